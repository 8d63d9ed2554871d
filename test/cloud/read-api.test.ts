import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, batch, get, ingest, provision, readings, startCloud, type Cloud } from './harness.js';

describe.each(BACKENDS)('read API on %s', (backend) => {
  let cloud: Cloud;
  let a: Awaited<ReturnType<typeof provision>>;
  let b: Awaited<ReturnType<typeof provision>>;
  let deviceA: string;
  beforeAll(async () => {
    cloud = await startCloud(backend, { maxSeriesPoints: 50 });
    a = await provision(cloud);
    b = await provision(cloud);
    expect((await ingest(cloud, a.gatewayToken, batch(readings(1, 10)))).status).toBe(200);
    expect((await ingest(cloud, b.gatewayToken, batch(readings(1, 10)))).status).toBe(200);
    deviceA = (await get(cloud, a.apiToken, `/api/v1/sites/${a.siteId}/devices`)).body.items[0].id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it("lists only the token's organization's sites", async () => {
    const sites = await get(cloud, b.apiToken, '/api/v1/sites');
    expect(sites.body.items.map((s: { id: string }) => s.id)).toEqual([b.siteId]);
  });

  it.each([
    ['devices of a site', () => `/api/v1/sites/${a.siteId}/devices`, 'params.siteId'],
    ['latest values of a device', () => `/api/v1/devices/${deviceA}/latest`, 'params.deviceId'],
    ['series of a device', () => `/api/v1/devices/${deviceA}/series?metric=ac_power_w`, 'params.deviceId'],
  ])("hides another organization's %s behind 404", async (_name, path, detailPath) => {
    const own = await get(cloud, a.apiToken, path());
    expect(own.status).toBe(200);
    const other = await get(cloud, b.apiToken, path());
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'not_found', details: [{ path: detailPath }] });
  });

  it.each([
    ['a malformed site id', () => '/api/v1/sites/not-a-uuid/devices', 400, ['params.siteId']],
    ['a missing metric', () => `/api/v1/devices/${deviceA}/series`, 400, ['query.metric']],
    ['a bad metric name', () => `/api/v1/devices/${deviceA}/series?metric=AC%20Power`, 400, ['query.metric']],
    ['a bad time', () => `/api/v1/devices/${deviceA}/series?metric=ac_power_w&from=yesterday`, 400, ['query.from']],
    ['from after to', () => `/api/v1/devices/${deviceA}/series?metric=ac_power_w&from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z`, 400, ['query.from']],
    ['a limit over the cap', () => `/api/v1/devices/${deviceA}/series?metric=ac_power_w&limit=51`, 400, ['query.limit']],
    ['a metric the device lacks', () => `/api/v1/devices/${deviceA}/series?metric=dc_power_w`, 404, ['query.metric']],
  ])('rejects %s', async (_name, path, status, paths) => {
    const sent = await get(cloud, a.apiToken, path());
    expect(sent.status).toBe(status);
    expect(sent.body.error.details.map((d: { path: string }) => d.path)).toEqual(paths);
  });

  it('defaults to the last 24 hours and caps the points, saying so', async () => {
    const q = await provision(cloud);
    const now = Date.now();
    const rs = readings(1, 60).map((r, i) => ({ ...r, ts: now - 3_600_000 + i * 1000 }));
    const old = readings(61, 61).map((r) => ({ ...r, ts: now - 2 * 86_400_000 }));
    expect((await ingest(cloud, q.gatewayToken, batch([...rs, ...old]))).body.accepted).toBe(61);
    const device = (await get(cloud, q.apiToken, `/api/v1/sites/${q.siteId}/devices`)).body.items[0].id;
    const series = await get(cloud, q.apiToken, `/api/v1/devices/${device}/series?metric=ac_power_w`);
    expect(series.body).toMatchObject({ limit: 50, truncated: true, nextFrom: new Date(now - 3_600_000 + 50_000).toISOString() });
    expect(series.body.points).toHaveLength(50);
    expect(series.body.points[0]).toEqual({ ts: new Date(now - 3_600_000).toISOString(), value: 10 });
  });

  it('refuses a gateway token on the read API', async () => {
    const sent = await get(cloud, a.gatewayToken, '/api/v1/sites');
    expect(sent.status).toBe(401);
    expect(sent.body.error.code).toBe('unauthorized');
  });
});
