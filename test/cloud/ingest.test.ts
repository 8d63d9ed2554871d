import { MAX_READINGS_PER_BATCH, type ReadingInput } from '@solarhub/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { compactIngestRanges } from '@solarhub/cloud';
import { BACKENDS, T0, batch, count, get, ingest, provision, ranges, readings, startCloud, type Cloud } from './harness.js';

describe.each(BACKENDS)('ingest on %s', (backend) => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud(backend);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('stores readings; latest and series return them', async () => {
    const p = await provision(cloud);
    const rs: ReadingInput[] = [
      ...readings(1, 5),
      ...readings(6, 8, { metric: 'ac_energy_wh', unit: 'Wh', point: 'sunspec.103.WH' }),
      { seq: 9, device: 'meter-1', metric: 'ac_power_w', ts: T0 + 9000, value: -1500.5, unit: 'W', quality: 'clock_unsynced' },
    ];
    const sent = await ingest(cloud, p.gatewayToken, batch(rs, [
      { device: 'inv-1', type: 'inverter', manufacturer: 'Fronius', model: 'Symo 10', serialNumber: 'SN1', status: 'online', lastError: 'boot' },
    ]));
    expect(sent).toEqual({ status: 200, body: { accepted: 9, duplicates: 0, ackedFrom: 1, ackedTo: 9 } });

    const sites = await get(cloud, p.apiToken, '/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.items).toEqual([expect.objectContaining({ id: p.siteId, timezone: 'UTC' })]);

    const devices = await get(cloud, p.apiToken, `/api/v1/sites/${p.siteId}/devices`);
    expect(devices.body.items.map((d: { key: string }) => d.key)).toEqual(['inv-1', 'meter-1']);
    const inverter = devices.body.items[0];
    expect(inverter).toMatchObject({
      gatewayId: p.gatewayId, type: 'inverter', manufacturer: 'Fronius', model: 'Symo 10', serialNumber: 'SN1', status: 'online', lastError: 'boot',
    });
    // The newest good reading of inv-1 is seq 8.
    expect(inverter.lastSeen).toBe(new Date(T0 + 8000).toISOString());

    const latest = await get(cloud, p.apiToken, `/api/v1/devices/${inverter.id}/latest`);
    expect(latest.status).toBe(200);
    expect(latest.body.device.id).toBe(inverter.id);
    expect(latest.body.values).toEqual([
      { metric: 'ac_energy_wh', value: 80, unit: 'Wh', point: 'sunspec.103.WH', ts: new Date(T0 + 8000).toISOString(), quality: 'good' },
      { metric: 'ac_power_w', value: 50, unit: 'W', point: null, ts: new Date(T0 + 5000).toISOString(), quality: 'good' },
    ]);
    const meter = devices.body.items[1];
    const meterLatest = await get(cloud, p.apiToken, `/api/v1/devices/${meter.id}/latest`);
    expect(meterLatest.body.values).toEqual([
      { metric: 'ac_power_w', value: -1500.5, unit: 'W', point: null, ts: new Date(T0 + 9000).toISOString(), quality: 'clock_unsynced' },
    ]);

    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 60_000).toISOString();
    const series = await get(cloud, p.apiToken, `/api/v1/devices/${inverter.id}/series?metric=ac_power_w&from=${from}&to=${to}`);
    expect(series.status).toBe(200);
    expect(series.body).toMatchObject({ metric: 'ac_power_w', unit: 'W', truncated: false, nextFrom: null });
    expect(series.body.points).toEqual([1, 2, 3, 4, 5].map((s) => ({ ts: new Date(T0 + s * 1000).toISOString(), value: s * 10 })));

    const capped = await get(cloud, p.apiToken, `/api/v1/devices/${inverter.id}/series?metric=ac_power_w&from=${from}&to=${to}&limit=2`);
    expect(capped.body).toMatchObject({ limit: 2, truncated: true, nextFrom: new Date(T0 + 3000).toISOString() });
    expect(capped.body.points).toHaveLength(2);

    // A later report without lastError keeps it; lastError: null clears it.
    await ingest(cloud, p.gatewayToken, batch([], [{ device: 'inv-1', firmwareVersion: '1.2.3' }]));
    let inv = (await get(cloud, p.apiToken, `/api/v1/sites/${p.siteId}/devices`)).body.items[0];
    expect(inv).toMatchObject({ manufacturer: 'Fronius', firmwareVersion: '1.2.3', lastError: 'boot' });
    await ingest(cloud, p.gatewayToken, batch([], [{ device: 'inv-1', lastError: null, status: 'error' }]));
    inv = (await get(cloud, p.apiToken, `/api/v1/sites/${p.siteId}/devices`)).body.items[0];
    expect(inv).toMatchObject({ lastError: null, status: 'error' });
  });

  it('adds nothing for a repeated batch', async () => {
    const p = await provision(cloud);
    const body = batch(readings(1, 100));
    expect((await ingest(cloud, p.gatewayToken, body)).body).toEqual({ accepted: 100, duplicates: 0, ackedFrom: 1, ackedTo: 100 });
    expect((await ingest(cloud, p.gatewayToken, body)).body).toEqual({ accepted: 0, duplicates: 100, ackedFrom: 1, ackedTo: 100 });
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(100);
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 100]]);
  });

  it('keeps millisecond times exactly', async () => {
    const p = await provision(cloud);
    const odd = readings(1, 20).map((r) => ({ ...r, ts: r.ts + (r.seq * 37) % 1000 }));
    expect((await ingest(cloud, p.gatewayToken, batch(odd))).body).toEqual({ accepted: 20, duplicates: 0, ackedFrom: 1, ackedTo: 20 });
    const stored = await cloud.database.db.execute(
      sql`SELECT seq, (extract(epoch FROM ts) * 1000)::bigint AS ms FROM measurements WHERE gateway_id = ${p.gatewayId}::uuid ORDER BY seq`,
    );
    const rows = (stored as unknown as { rows: { seq: string | number; ms: string | number }[] }).rows;
    expect(rows.map((r) => Number(r.ms))).toEqual(odd.map((r) => r.ts));
  });

  it('adds nothing for overlapping, re-chunked batches; maintenance merges the ranges', async () => {
    const p = await provision(cloud);
    const compact = () => compactIngestRanges(cloud.database.db, { log: pino({ level: 'silent' }) });
    expect((await ingest(cloud, p.gatewayToken, batch(readings(1, 10)))).body).toMatchObject({ accepted: 10, duplicates: 0 });
    expect((await ingest(cloud, p.gatewayToken, batch(readings(5, 15)))).body).toMatchObject({ accepted: 5, duplicates: 6 });
    expect((await ingest(cloud, p.gatewayToken, batch(readings(30, 40)))).body).toMatchObject({ accepted: 11, duplicates: 0 });
    // Ingest claims only what was not acknowledged, one range per batch.
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 10], [11, 15], [30, 40]]);
    expect(await compact()).toBe(1);
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 15], [30, 40]]);
    expect(await compact()).toBe(0);
    // Re-chunked resend of everything, in different slices: nothing new.
    for (const [a, b] of [[1, 7], [8, 15], [30, 33], [34, 40]] as const) {
      expect((await ingest(cloud, p.gatewayToken, batch(readings(a, b)))).body).toMatchObject({ accepted: 0, duplicates: b - a + 1 });
    }
    // Filling the gap bridges the two ranges.
    expect((await ingest(cloud, p.gatewayToken, batch(readings(12, 32)))).body).toMatchObject({ accepted: 14, duplicates: 7 });
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 15], [16, 29], [30, 40]]);
    expect(await compact()).toBe(2);
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 40]]);
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(40);
  });

  it('stores concurrent copies of one batch once', async () => {
    const p = await provision(cloud);
    const body = batch(readings(1, 500));
    const acks = await Promise.all([1, 2, 3, 4].map(() => ingest(cloud, p.gatewayToken, body)));
    expect(acks.every((a) => a.status === 200)).toBe(true);
    expect(acks.reduce((n, a) => n + a.body.accepted, 0)).toBe(500);
    expect(acks.reduce((n, a) => n + a.body.duplicates, 0)).toBe(1500);
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(500);
  });

  it('stores concurrent overlapping and side-by-side batches exactly once', async () => {
    const p = await provision(cloud);
    // Slices of 1..600 that overlap each other, sent all at once, twice over.
    const slices: [number, number][] = [[1, 100], [101, 200], [50, 150], [201, 400], [390, 600], [1, 600], [301, 302], [550, 560]];
    const acks = await Promise.all([...slices, ...slices].map(([a, b]) => ingest(cloud, p.gatewayToken, batch(readings(a, b)))));
    expect(acks.filter((a) => a.status !== 200).map((a) => JSON.stringify(a.body))).toEqual([]);
    expect(acks.reduce((n, a) => n + a.body.accepted, 0)).toBe(600);
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(600);
    const stored = await cloud.database.db.execute(sql`SELECT count(DISTINCT seq) AS n FROM measurements WHERE gateway_id = ${p.gatewayId}::uuid`);
    expect(Number((stored as unknown as { rows: { n: string | number }[] }).rows[0]!.n)).toBe(600);
    // The claims cover 1..600 without overlapping (the database refuses overlaps).
    const claimed = await ranges(cloud, p.gatewayId);
    expect(claimed.reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(600);
    await compactIngestRanges(cloud.database.db, { log: pino({ level: 'silent' }) });
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 600]]);
  });

  it('keeps sequences of different gateways apart', async () => {
    const a = await provision(cloud);
    const b = await provision(cloud);
    expect((await ingest(cloud, a.gatewayToken, batch(readings(1, 10)))).body.accepted).toBe(10);
    expect((await ingest(cloud, b.gatewayToken, batch(readings(1, 10)))).body.accepted).toBe(10);
  });

  it('accepts a gzip body', async () => {
    const p = await provision(cloud);
    const sent = await ingest(cloud, p.gatewayToken, batch(readings(1, 1000)), { gzip: true });
    expect(sent).toEqual({ status: 200, body: { accepted: 1000, duplicates: 0, ackedFrom: 1, ackedTo: 1000 } });
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(1000);
  });

  it(`stores a full batch of ${MAX_READINGS_PER_BATCH} readings in one go (no bind-parameter limit)`, async () => {
    const p = await provision(cloud);
    const rs = readings(1, MAX_READINGS_PER_BATCH).map((r, i) => ({ ...r, device: `dev-${i % 20}`, metric: Math.floor(i / 20) % 2 ? 'ac_power_w' : 'dc_power_w' }));
    const sent = await ingest(cloud, p.gatewayToken, batch(rs), { gzip: true });
    expect(sent).toEqual({ status: 200, body: { accepted: MAX_READINGS_PER_BATCH, duplicates: 0, ackedFrom: 1, ackedTo: MAX_READINGS_PER_BATCH } });
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(MAX_READINGS_PER_BATCH);
    expect(await count(cloud, 'series', p.gatewayId)).toBe(40);
  });

  it("refuses a device key of another gateway's device and stores nothing of that batch", async () => {
    const p = await provision(cloud, 'shared-org');
    const other = await provisionDemoSameSite(cloud, p);
    expect((await ingest(cloud, p.gatewayToken, batch(readings(1, 3)))).status).toBe(200);
    const devicesBefore = await count(cloud, 'devices');
    const sent = await ingest(cloud, other.gatewayToken, batch([...readings(1, 2, { device: 'meter-9' }), ...readings(3, 4)]));
    expect(sent.status).toBe(403);
    expect(sent.body.error.code).toBe('device_key_taken');
    expect(sent.body.error.details).toEqual([{ path: 'body.series.1.device', message: expect.stringContaining('"inv-1"') }]);
    expect(await count(cloud, 'measurements', other.gatewayId)).toBe(0);
    expect(await count(cloud, 'devices')).toBe(devicesBefore);
    expect(await ranges(cloud, other.gatewayId)).toEqual([]);
  });
});

/** A second gateway on the same site as `p`. */
async function provisionDemoSameSite(cloud: Cloud, p: { organizationId: string; siteId: string }) {
  const { provisionDemo } = await import('@solarhub/cloud');
  const { sql } = await import('drizzle-orm');
  const res = (await cloud.database.db.execute(
    sql`SELECT o.name AS org, s.name AS site FROM sites s JOIN organizations o ON o.id = s.organization_id WHERE s.id = ${p.siteId}::uuid`,
  )) as unknown as { rows: { org: string; site: string }[] };
  const names = res.rows[0]!;
  const other = await provisionDemo(cloud.database.db, { organization: names.org, site: names.site, gateway: 'second-gateway' });
  expect(other.siteId).toBe(p.siteId);
  expect(other.organizationId).toBe(p.organizationId);
  return other;
}
