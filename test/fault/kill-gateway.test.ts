/**
 * kill -9 of the gateway process at random moments while it polls and syncs,
 * again and again; then one last run drains the outbox. The cloud must hold
 * every sequence the gateway ever gave out, exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSiteSimulator, type SiteSimulator } from '../../scripts/src/simulator/index.js';
import { stopCleanly, type Service } from '../../scripts/src/process/service.js';
import { bundleProgram } from '../../scripts/src/testing/bundle-program.js';
import { createDatabase, freePort } from '../../scripts/src/testing/postgres.js';
import {
  auditDelivery,
  provisionCloud,
  readOutbox,
  sleep,
  startCloudProcess,
  startGatewayProcess,
  waitFor,
  writeGatewayConfig,
} from './harness.js';

const KILLS = 20;

describe('kill -9 of the gateway during polling and sync', () => {
  let dir: string;
  let simulator: SiteSimulator;
  let cloud: Service;
  let databaseUrl: string;
  let provisioned: Awaited<ReturnType<typeof provisionCloud>>;
  let cloudUrl: string;
  let gatewayProgram: string[];

  beforeAll(async () => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) throw new Error('fault tests need the PostgreSQL server binaries (install the "postgresql" package)');
    dir = mkdtempSync(join(tmpdir(), 'solarhub-kill-'));
    simulator = await startSiteSimulator({ port: 0, updateIntervalMs: 50 });
    databaseUrl = await createDatabase(adminUrl, 'fault_kill');
    provisioned = await provisionCloud(databaseUrl);
    const port = await freePort();
    cloud = await startCloudProcess(databaseUrl, port);
    cloudUrl = `http://127.0.0.1:${port}`;
    gatewayProgram = await bundleProgram('gateway', 'main');
  });

  afterAll(async () => {
    await cloud?.stop();
    await simulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (gatewayProgram) rmSync(gatewayProgram[1]!, { force: true });
  });

  it(`loses and duplicates nothing over ${KILLS} kills`, { timeout: 120_000 }, async () => {
    // Small batches and a fast poll: at any moment a poll is being written or a batch is on its way.
    const setup = { dir, cloudUrl, token: provisioned.gatewayToken, simulatorPort: simulator.port, pollIntervalMs: 100, sync: { maxBatchReadings: 40, intervalMs: 100 } };
    const files = writeGatewayConfig(setup);
    const moments: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const t0 = Date.now();
      const gateway = await startGatewayProcess(files.configPath, gatewayProgram);
      if (process.env.FAULT_DEBUG) process.stderr.write(`cycle ${i}: ready after ${Date.now() - t0} ms\n`);
      const after = 100 + Math.floor(Math.random() * 500);
      moments.push(after);
      await sleep(after);
      await gateway.kill();
    }
    const beforeDrain = readOutbox(files.outboxFile);
    // The last run polls nothing: it only drains what the killed runs left behind.
    writeGatewayConfig({ ...setup, sync: { maxBatchReadings: 500, intervalMs: 100 }, noDevices: true });
    const drain = await startGatewayProcess(files.configPath, gatewayProgram);
    await waitFor('the outbox to drain', () => (readOutbox(files.outboxFile).backlog === 0 ? true : undefined), 20_000);
    await stopCleanly(drain);

    const { maxSeq, backlog } = readOutbox(files.outboxFile);
    process.stdout.write(`[fault] kill moments (ms after ready): ${moments.join(' ')}; backlog before the drain run: ${beforeDrain.backlog}\n`);
    expect(backlog).toBe(0);
    // A real run: thousands of readings, and a backlog the killed runs left behind.
    expect(maxSeq).toBeGreaterThan(KILLS * 20);
    const counts = await auditDelivery(databaseUrl, provisioned.gatewayId, maxSeq, `${KILLS} x kill -9`);
    expect(counts).toEqual({ produced: maxSeq, stored: maxSeq, lost: 0, duplicated: 0, dropped: 0, unknown: 0 });
  });
});
