import type { GapReport, SyncStatusReport } from '@solarhub/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, T0, batch, get, ingest, provision, readings, startCloud, type Cloud } from './harness.js';

const status = (over: Partial<SyncStatusReport> = {}): SyncStatusReport => ({
  backlog: 1200,
  oldestUnsyncedTs: T0,
  lastSuccessAt: T0 + 5000,
  lastError: 'cannot reach the cloud (ECONNREFUSED)',
  lastErrorAt: T0 + 4000,
  droppedTotal: 250,
  clockSynced: true,
  clockOffsetMs: -120,
  bootId: 'boot-1',
  ...over,
});
const gap = (over: Partial<GapReport> = {}): GapReport => ({ fromSeq: 11, toSeq: 260, fromTs: T0 - 60_000, toTs: T0 - 1000, count: 250, reason: 'buffer_full', ...over });

describe.each(BACKENDS)('gap reports and sync status on %s', (backend) => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud(backend);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('stores what the gateway reports, idempotently, and shows it at /gateways/:id/sync-status', async () => {
    const p = await provision(cloud);
    const path = `/api/v1/gateways/${p.gatewayId}/sync-status`;
    expect((await get(cloud, p.apiToken, path)).body).toMatchObject({ gatewayId: p.gatewayId, status: null, gaps: [] });

    const body = { ...batch(readings(1, 10)), gaps: [gap()], syncStatus: status() };
    expect((await ingest(cloud, p.gatewayToken, body)).status).toBe(200);
    // A replay (the ack was lost) changes nothing; a gap that grew replaces the smaller one.
    expect((await ingest(cloud, p.gatewayToken, body)).status).toBe(200);
    const grown = { ...batch(readings(261, 262)), gaps: [gap({ toSeq: 300, count: 290, toTs: T0 })], syncStatus: status({ backlog: 5, lastError: null, droppedTotal: 290 }) };
    grown.sentAt += 1000;
    expect((await ingest(cloud, p.gatewayToken, grown)).status).toBe(200);
    // An older status arriving late (pipelined batches) does not win.
    expect((await ingest(cloud, p.gatewayToken, { ...body, gaps: [] })).status).toBe(200);

    const shown = await get(cloud, p.apiToken, path);
    expect(shown.status).toBe(200);
    expect(shown.body.status).toMatchObject({ backlog: 5, lastError: null, droppedTotal: 290, clockSynced: true, clockOffsetMs: -120, bootId: 'boot-1', oldestUnsyncedAt: new Date(T0).toISOString() });
    expect(shown.body.gaps).toEqual([
      { fromSeq: 11, toSeq: 300, fromTs: new Date(T0 - 60_000).toISOString(), toTs: new Date(T0).toISOString(), count: 290, reason: 'buffer_full', reportedAt: expect.any(String) },
    ]);
  });

  it("hides another organization's gateway and stores nothing from a refused batch", async () => {
    const p = await provision(cloud);
    const other = await provision(cloud);
    expect((await get(cloud, other.apiToken, `/api/v1/gateways/${p.gatewayId}/sync-status`)).status).toBe(404);
    const bad = { ...batch(readings(1, 1, { metric: 'Not A Metric' })), gaps: [gap()], syncStatus: status() };
    expect((await ingest(cloud, p.gatewayToken, bad)).status).toBe(400);
    expect((await get(cloud, p.apiToken, `/api/v1/gateways/${p.gatewayId}/sync-status`)).body).toMatchObject({ status: null, gaps: [] });
  });
});
