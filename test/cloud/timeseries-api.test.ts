import { packReadings, type ReadingInput } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainPartitions } from '@solarhub/cloud';
import { bucketStart, type Bucket } from '../../cloud/src/timeseries/buckets.js';
import { counterIncrease } from '../../cloud/src/timeseries/counters.js';
import { BACKENDS, get, ingest, provision, startCloud, type Cloud } from './harness.js';

/**
 * Downsampled series and site roll-ups through the HTTP API, checked against
 * the pure reference (bucketStart, counterIncrease) over the same readings:
 * two days in Berlin across the switch to summer time, crossing a weekly
 * partition boundary, with an energy counter reset.
 */
const TZ = 'Europe/Berlin';
const START = Date.parse('2025-03-29T00:00:00Z');
const MINUTES = 3 * 1440 + 600; // to 2025-04-01T10:00Z: three partitions (weeks of 03-24 and 03-31, the default one)
const RESET_AT = 2000;

interface Point {
  ts: number;
  value: number;
}
const series = {
  power: [] as Point[],
  invEnergy: [] as Point[],
  imported: [] as Point[],
  exported: [] as Point[],
  meterEnergy: [] as Point[],
};
for (let i = 0; i < MINUTES; i++) {
  const ts = START + i * 60_000;
  series.power.push({ ts, value: (i * 37) % 1000 });
  series.invEnergy.push({ ts, value: i < RESET_AT ? 1_000_000 + i * 15 : (i - RESET_AT) * 15 });
  series.imported.push({ ts, value: 50_000 + i * 4 });
  series.exported.push({ ts, value: 70_000 + Math.floor(i / 2) * 7 });
  series.meterEnergy.push({ ts, value: 9_000_000 + i * 1000 }); // a meter's ac_energy_wh: not production
}

function toReadings(): ReadingInput[] {
  const out: ReadingInput[] = [];
  let seq = 0;
  const add = (device: string, metric: string, unit: string, points: Point[]) => {
    for (const p of points) out.push({ seq: ++seq, device, metric, ts: p.ts, value: p.value, unit });
  };
  add('inv-1', 'ac_power_w', 'W', series.power);
  add('inv-1', 'ac_energy_wh', 'Wh', series.invEnergy);
  add('meter-1', 'energy_imported_wh', 'Wh', series.imported);
  add('meter-1', 'energy_exported_wh', 'Wh', series.exported);
  add('meter-1', 'ac_energy_wh', 'Wh', series.meterEnergy);
  return out;
}

type Agg = 'avg' | 'min' | 'max' | 'last' | 'delta';
/** The reference: readings in [from, to) grouped by bucket; delta from the reading before each. */
function reference(points: Point[], from: number, to: number, bucket: Bucket, agg: Agg): { ts: string; value: number; count: number }[] {
  const groups = new Map<number, number[]>();
  let prev: number | null = null;
  for (const p of points) {
    if (p.ts >= to) break;
    if (p.ts >= from) {
      const b = bucketStart(p.ts, bucket, TZ);
      const list = groups.get(b) ?? [];
      list.push(agg === 'delta' ? counterIncrease(prev, p.value) : p.value);
      groups.set(b, list);
    }
    prev = p.value;
  }
  const fold: Record<Agg, (v: number[]) => number> = {
    avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    min: (v) => Math.min(...v),
    max: (v) => Math.max(...v),
    last: (v) => v[v.length - 1]!,
    delta: (v) => v.reduce((a, b) => a + b, 0),
  };
  return [...groups.entries()].map(([ts, v]) => ({ ts: new Date(ts).toISOString(), value: fold[agg](v), count: v.length }));
}

function expectPoints(actual: { ts: string; value: number; count: number }[], expected: ReturnType<typeof reference>): void {
  expect(actual.map((p) => [p.ts, p.count])).toEqual(expected.map((p) => [p.ts, p.count]));
  actual.forEach((p, i) => expect(p.value).toBeCloseTo(expected[i]!.value, 6));
}

describe.each(BACKENDS)('downsampled reads on %s', (backend) => {
  let cloud: Cloud;
  let site: Awaited<ReturnType<typeof provision>>;
  let inverter: string;
  beforeAll(async () => {
    cloud = await startCloud(backend);
    site = await provision(cloud);
    await cloud.database.db.execute(sql`UPDATE sites SET timezone = ${TZ} WHERE id = ${site.siteId}::uuid`);
    // Partitions for the data's weeks exist before ingest (the rest lands in the default partition).
    await maintainPartitions(cloud.database.db, { now: Date.parse('2025-03-30T00:00:00Z'), aheadWeeks: 0, log: pino({ level: 'silent' }) });
    const sent = await ingest(cloud, site.gatewayToken, {
      sentAt: START,
      ...packReadings(toReadings()),
      devices: [{ device: 'inv-1', type: 'inverter' }, { device: 'meter-1', type: 'meter' }],
    });
    expect(sent.status).toBe(200);
    const devices = (await get(cloud, site.apiToken, `/api/v1/sites/${site.siteId}/devices`)).body.items as { id: string; key: string }[];
    inverter = devices.find((d) => d.key === 'inv-1')!.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  const seriesPath = (q: string) => `/api/v1/devices/${inverter}/series?${q}`;

  it.each<[Bucket, Agg, keyof typeof series, string, string]>([
    ['1h', 'avg', 'power', '2025-03-29T12:00:00Z', '2025-03-31T12:00:00Z'],
    ['15m', 'max', 'power', '2025-03-30T00:07:00Z', '2025-03-30T03:00:00Z'],
    ['5m', 'min', 'power', '2025-03-30T23:40:00Z', '2025-03-31T00:20:00Z'],
    ['1d', 'last', 'power', '2025-03-29T00:00:00Z', '2025-04-02T00:00:00Z'],
    ['1d', 'delta', 'invEnergy', '2025-03-29T00:00:00Z', '2025-04-02T00:00:00Z'],
    ['1h', 'delta', 'invEnergy', '2025-03-30T06:00:00Z', '2025-03-30T18:00:00Z'],
  ])('%s %s of %s from %s to %s matches the reference', async (bucket, agg, name, from, to) => {
    const metric = name === 'power' ? 'ac_power_w' : 'ac_energy_wh';
    const res = await get(cloud, site.apiToken, seriesPath(`metric=${metric}&from=${from}&to=${to}&bucket=${bucket}&agg=${agg}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ metric, bucket, agg, timezone: TZ });
    const aligned = { from: Date.parse(res.body.from), to: Date.parse(res.body.to) };
    expect(aligned.from).toBe(bucketStart(Date.parse(from), bucket, TZ));
    expectPoints(res.body.points, reference(series[name], aligned.from, aligned.to, bucket, agg));
  });

  it('counts a counter reset from zero, never negative', async () => {
    const res = await get(cloud, site.apiToken, seriesPath('metric=ac_energy_wh&from=2025-03-29T00:00:00Z&to=2025-04-02T00:00:00Z&bucket=1d'));
    expect(res.body.agg).toBe('delta'); // the default for counters
    expect(res.body.points.every((p: { value: number }) => p.value >= 0)).toBe(true);
    const total = res.body.points.reduce((a: number, p: { value: number }) => a + p.value, 0);
    expect(total).toBe((MINUTES - 2) * 15); // every minute adds 15 Wh; the first reading and the reset's own step add nothing
  });

  it('days follow the site time zone: the day of the spring change is 23 hours long', async () => {
    const res = await get(cloud, site.apiToken, seriesPath('metric=ac_power_w&from=2025-03-30T12:00:00Z&to=2025-03-30T13:00:00Z&bucket=1d&agg=avg'));
    expect(res.body).toMatchObject({ from: '2025-03-29T23:00:00.000Z', to: '2025-03-30T22:00:00.000Z' });
    expect(res.body.points).toHaveLength(1);
    expect(res.body.points[0].count).toBe(23 * 60);
  });

  it('site energy: production from inverters, grid flows from the meter, consumption balanced, in kWh', async () => {
    const from = '2025-03-29T00:00:00Z';
    const to = '2025-04-01T00:00:00Z';
    const res = await get(cloud, site.apiToken, `/api/v1/sites/${site.siteId}/energy?from=${from}&to=${to}&bucket=1d`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unit: 'kWh', bucket: '1d', timezone: TZ, series: { production: 1, gridImport: 1, gridExport: 1 } });
    const range = { from: Date.parse(res.body.from), to: Date.parse(res.body.to) };
    const byTs = (points: ReturnType<typeof reference>) => new Map(points.map((p) => [p.ts, p.value / 1000]));
    const production = byTs(reference(series.invEnergy, range.from, range.to, '1d', 'delta'));
    const imported = byTs(reference(series.imported, range.from, range.to, '1d', 'delta'));
    const exported = byTs(reference(series.exported, range.from, range.to, '1d', 'delta'));
    expect(res.body.buckets.map((b: { ts: string }) => b.ts)).toEqual([...production.keys()]);
    for (const b of res.body.buckets) {
      expect(b.production).toBeCloseTo(production.get(b.ts)!, 6);
      expect(b.gridImport).toBeCloseTo(imported.get(b.ts)!, 6);
      expect(b.gridExport).toBeCloseTo(exported.get(b.ts)!, 6);
      expect(b.consumption).toBeCloseTo(b.production + b.gridImport - b.gridExport, 6);
    }
    expect(res.body.totals.production).toBeCloseTo([...production.values()].reduce((a, b) => a + b, 0), 6);
  });

  it('picks the bucket for the range with bucket=auto', async () => {
    const week = await get(cloud, site.apiToken, seriesPath('metric=ac_power_w&from=2025-03-25T00:00:00Z&to=2025-04-01T00:00:00Z&bucket=auto'));
    expect(week.body).toMatchObject({ bucket: '15m', agg: 'avg' });
    const energy = await get(cloud, site.apiToken, `/api/v1/sites/${site.siteId}/energy?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z`);
    expect(energy.body.bucket).toBe('1h');
  });

  it.each([
    ['delta of a gauge', () => seriesPath('metric=ac_power_w&agg=delta'), ['query.agg']],
    ['an unknown bucket', () => seriesPath('metric=ac_power_w&bucket=7m'), ['query.bucket']],
    ['too many buckets', () => seriesPath('metric=ac_power_w&bucket=5m&from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z'), ['query.bucket']],
    ['from after to', () => `/api/v1/sites/${site.siteId}/energy?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z`, ['query.from']],
  ])('rejects %s', async (_name, path, paths) => {
    const res = await get(cloud, site.apiToken, path());
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(paths);
  });

  it("hides another organization's site energy behind 404", async () => {
    const other = await provision(cloud);
    const res = await get(cloud, other.apiToken, `/api/v1/sites/${site.siteId}/energy`);
    expect(res.status).toBe(404);
  });
});
