/**
 * The cloud goes away while the gateway polls and syncs (its process killed,
 * then its database restarted mid-ingest); afterwards nothing is lost, nothing
 * duplicated, and the backlog drains.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSiteSimulator, type SiteSimulator } from '../../scripts/src/simulator/index.js';
import type { Service } from '../../scripts/src/process/service.js';
import { createDatabase, freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/src/testing/postgres.js';
import { drainAndAudit, provisionCloud, readOutbox, sleep, startCloudProcess, startGatewayProcess, waitFor, writeGatewayConfig, type GatewaySetup } from './harness.js';

const running: Array<() => Promise<unknown>> = [];
let simulator: SiteSimulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solarhub-outage-'));
  simulator = await startSiteSimulator({ port: 0, updateIntervalMs: 100 });
});
afterAll(async () => {
  while (running.length) await running.pop()!().catch(() => undefined);
  await simulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once the cloud holds at least `n` readings more than the outbox has given out minus its backlog, i.e. sync is flowing. */
async function untilSynced(outboxFile: string, minSeq: number): Promise<void> {
  await waitFor(`sync past seq ${minSeq}`, () => {
    const o = readOutbox(outboxFile);
    return o.maxSeq >= minSeq && o.backlog < o.maxSeq ? true : undefined;
  });
}

describe('the cloud goes down and comes back', () => {
  it('loses nothing when the cloud process is killed mid-ingest and stays down for a while', { timeout: 120_000 }, async () => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) throw new Error('fault tests need the PostgreSQL server binaries');
    const databaseUrl = await createDatabase(adminUrl, 'fault_outage');
    const provisioned = await provisionCloud(databaseUrl);
    const port = await freePort();
    let cloud = await startCloudProcess(databaseUrl, port);
    running.push(() => cloud.stop());
    const setup: GatewaySetup = { dir: join(dir, 'down'), cloudUrl: `http://127.0.0.1:${port}`, token: provisioned.gatewayToken, simulatorPort: simulator.port, requestTimeoutMs: 2000 };
    const files = writeGatewayConfig(setup);
    const gateway = await startGatewayProcess(files.configPath);
    running.push(() => gateway.stop());
    await untilSynced(files.outboxFile, 200);

    await cloud.kill();
    const atKill = readOutbox(files.outboxFile);
    await sleep(2500);
    const beforeBack = readOutbox(files.outboxFile);
    // Polling went on while the cloud was away: the backlog grew and stays on disk.
    expect(beforeBack.maxSeq).toBeGreaterThan(atKill.maxSeq);
    expect(beforeBack.backlog).toBeGreaterThan(atKill.backlog);
    cloud = await startCloudProcess(databaseUrl, port);
    await waitFor('the backlog to drain while polling goes on', () => (readOutbox(files.outboxFile).backlog < 100 ? true : undefined));

    const counts = await drainAndAudit({ gateway, setup, files, databaseUrl, gatewayId: provisioned.gatewayId, label: 'cloud killed, down 2.5 s, back' });
    expect(counts).toEqual({ produced: counts.produced, stored: counts.produced, lost: 0, duplicated: 0, dropped: 0, unknown: 0 });
    expect(counts.produced).toBeGreaterThan(beforeBack.maxSeq);
  });

  it('loses nothing when PostgreSQL restarts in the middle of ingest', { timeout: 120_000 }, async () => {
    const postgres: ThrowawayPostgres = await startThrowawayPostgres();
    running.push(() => postgres.stop());
    const databaseUrl = await createDatabase(postgres.url, 'fault_pg');
    const provisioned = await provisionCloud(databaseUrl);
    const port = await freePort();
    const cloud = await startCloudProcess(databaseUrl, port);
    running.push(() => cloud.stop());
    const setup: GatewaySetup = { dir: join(dir, 'pg'), cloudUrl: `http://127.0.0.1:${port}`, token: provisioned.gatewayToken, simulatorPort: simulator.port };
    const files = writeGatewayConfig(setup);
    const gateway = await startGatewayProcess(files.configPath);
    running.push(() => gateway.stop());
    await untilSynced(files.outboxFile, 200);

    await postgres.halt();
    const halted = readOutbox(files.outboxFile);
    await sleep(1500);
    await postgres.resume();
    await waitFor('the backlog to drain after the restart', () => {
      const o = readOutbox(files.outboxFile);
      return o.maxSeq > halted.maxSeq + 50 && o.backlog < 100 ? true : undefined;
    }, 40_000).catch((err: Error) => {
      throw new Error(`${err.message}\n--- cloud:\n${cloud.tail()}\n--- gateway:\n${gateway.tail()}`);
    });

    const counts = await drainAndAudit({ gateway, setup, files, databaseUrl, gatewayId: provisioned.gatewayId, label: 'PostgreSQL restarted mid-ingest' });
    expect(counts).toEqual({ produced: counts.produced, stored: counts.produced, lost: 0, duplicated: 0, dropped: 0, unknown: 0 });
    // The cloud process lived through it.
    expect(cloud.child.exitCode).toBeNull();
  });
});
