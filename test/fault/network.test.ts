/**
 * A slow and misbehaving network between gateway and cloud: delays, resets,
 * answers cut in pieces, injected 5xx, a black hole (timeouts), and an ack
 * lost after the cloud committed. Driven through a TCP proxy the test controls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startSiteSimulator } from '../../scripts/src/simulator/index.js';
import { createDatabase, freePort } from '../../scripts/src/testing/postgres.js';
import { startTcpProxy, type ProxyMode } from '../../scripts/src/testing/tcp-proxy.js';
import { drainAndAudit, provisionCloud, readOutbox, sleep, startCloudProcess, startGatewayProcess, waitFor, writeGatewayConfig, type GatewaySetup } from './harness.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

const SCHEDULE: Array<[ProxyMode, number]> = [
  [{ kind: 'delay', ms: 300 }, 1200],
  [{ kind: 'reset' }, 800],
  [{ kind: 'reset_after_request' }, 1500],
  [{ kind: 'http_error', status: 503, retryAfter: '0' }, 800],
  [{ kind: 'slice', bytes: 7, ms: 5 }, 1000],
  [{ kind: 'blackhole' }, 2500],
  [{ kind: 'http_error', status: 502 }, 600],
  [{ kind: 'reset_after_request' }, 1000],
];

describe('a misbehaving network between gateway and cloud', () => {
  it('ends with every reading stored exactly once', { timeout: 120_000 }, async () => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) throw new Error('fault tests need the PostgreSQL server binaries');
    const dir = mkdtempSync(join(tmpdir(), 'solarhub-network-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const simulator = await startSiteSimulator({ port: 0, updateIntervalMs: 100 });
    cleanups.push(() => simulator.close());
    const databaseUrl = await createDatabase(adminUrl, 'fault_net');
    const provisioned = await provisionCloud(databaseUrl);
    const port = await freePort();
    const cloud = await startCloudProcess(databaseUrl, port);
    cleanups.push(() => cloud.stop());
    const proxy = await startTcpProxy(port);
    cleanups.push(() => proxy.close());

    const setup: GatewaySetup = { dir, cloudUrl: proxy.url, token: provisioned.gatewayToken, simulatorPort: simulator.port, requestTimeoutMs: 1000 };
    const files = writeGatewayConfig(setup);
    const gateway = await startGatewayProcess(files.configPath);
    cleanups.push(() => gateway.stop());
    await waitFor('the first batches', () => (readOutbox(files.outboxFile).maxSeq > 100 ? true : undefined));

    for (const [mode, ms] of SCHEDULE) {
      proxy.setMode(mode);
      await sleep(ms);
    }
    proxy.setMode({ kind: 'pass' });
    await waitFor('the backlog to drain through a calm network', () => (readOutbox(files.outboxFile).backlog < 100 ? true : undefined), 30_000);

    // Every misbehaviour was met by at least one request.
    for (const [mode] of SCHEDULE) expect(proxy.accepted[mode.kind], mode.kind).toBeGreaterThan(0);
    const counts = await drainAndAudit({ gateway, setup, files, databaseUrl, gatewayId: provisioned.gatewayId, label: 'misbehaving network' });
    expect(counts).toEqual({ produced: counts.produced, stored: counts.produced, lost: 0, duplicated: 0, dropped: 0, unknown: 0 });
  });
});
