/**
 * Fault-test support: a simulated site, a cloud process on a fixed loopback
 * port (so it can be killed and started again), a gateway process, and the
 * delivery audit that compares the gateway's sequence numbers with what the
 * cloud stored.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../gateway/src/buffer/sqlite.js';
import pg from 'pg';
import { pino } from 'pino';
import { expect } from 'vitest';
import { openDatabase, provisionDemo, runMigrations, type ProvisionDemoResult } from '@solarhub/cloud';
import { programCommand, startService, stopCleanly, type Service } from '../../scripts/src/process/service.js';

export const quietLog = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Creates the schema and an organization/site/gateway on a fresh database. */
export async function provisionCloud(databaseUrl: string, gateway = 'fault-gw'): Promise<ProvisionDemoResult> {
  const log = quietLog();
  const database = await openDatabase({ url: databaseUrl, log, poolSize: 2 });
  try {
    await runMigrations(database, log);
    return await provisionDemo(database.db, { organization: 'Fault Org', site: 'Fault Site', gateway });
  } finally {
    await database.close();
  }
}

/** The cloud as its own process (what production runs), on `port`. */
export async function startCloudProcess(databaseUrl: string, port: number): Promise<Service> {
  return startService({
    name: 'cloud',
    command: [...programCommand('cloud', 'main', 'source'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--database-url', databaseUrl],
    ready: (l) => l.msg === 'cloud listening',
  });
}

export interface GatewayFiles {
  configPath: string;
  dataDir: string;
  outboxFile: string;
}

export interface GatewaySetup {
  dir: string;
  cloudUrl: string;
  token: string;
  simulatorPort: number;
  pollIntervalMs?: number;
  sync?: Record<string, unknown>;
  buffer?: Record<string, unknown>;
  requestTimeoutMs?: number;
  /** Without devices the gateway only drains its outbox. */
  noDevices?: boolean;
}

/** Writes a gateway config polling the simulator's inverter (unit 1) and meter (unit 2). */
export function writeGatewayConfig(setup: GatewaySetup): GatewayFiles {
  const dataDir = join(setup.dir, 'gateway-data');
  const configPath = join(setup.dir, 'gateway.json');
  const poll = setup.pollIntervalMs ?? 100;
  mkdirSync(setup.dir, { recursive: true });
  const device = (id: string, type: string, unitId: number) => ({
    id, type, protocol: 'modbus_tcp', host: '127.0.0.1', port: setup.simulatorPort, unitId, pollIntervalMs: poll, timeoutMs: 1000,
  });
  writeFileSync(
    configPath,
    JSON.stringify({
      gateway: { name: 'fault-gw' },
      cloud: { url: setup.cloudUrl, token: setup.token, requestTimeoutMs: setup.requestTimeoutMs ?? 5000 },
      dataDir,
      sync: { intervalMs: 100, maxBatchReadings: 200, maxBackoffMs: 1000, retryBaseMs: 50, ...setup.sync },
      ...(setup.buffer ? { buffer: setup.buffer } : {}),
      devices: setup.noDevices ? [] : [device('inverter-1', 'inverter', 1), device('grid-meter', 'meter', 2)],
    }),
    { mode: 0o600 },
  );
  return { configPath, dataDir, outboxFile: join(dataDir, 'outbox.sqlite') };
}

/** `program`: how to run the gateway (default: the sources through tsx; kill loops pass a bundle, see bundleProgram). */
export function startGatewayProcess(configPath: string, program = programCommand('gateway', 'main', 'source')): Promise<Service> {
  return startService({
    name: 'gateway',
    command: [...program, 'run', '--config', configPath],
    ready: (l) => l.msg === 'gateway started',
  });
}

/** What the gateway's outbox says after it stopped: the highest sequence ever given, and what is still waiting. */
export function readOutbox(outboxFile: string): { maxSeq: number; backlog: number } {
  if (!existsSync(outboxFile)) return { maxSeq: 0, backlog: 0 };
  const db = openSqlite(outboxFile, { readonly: true });
  try {
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined;
    const backlog = db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number };
    return { maxSeq: seq?.seq ?? 0, backlog: backlog.n };
  } finally {
    db.close();
  }
}

export interface DeliveryCounts {
  produced: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Sequences the gateway reported as dropped (gap reports); not lost, accounted for. */
  dropped: number;
  /** Stored sequences the gateway never gave out (must be 0). */
  unknown: number;
}

/**
 * Checks by sequence: every seq 1..maxSeq must be in the cloud exactly once,
 * or inside a gap the gateway reported. Prints the counts.
 */
export async function auditDelivery(databaseUrl: string, gatewayId: string, maxSeq: number, label: string): Promise<DeliveryCounts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const stored = await client.query<{ seq: string; n: string }>(
      'SELECT seq, count(*) AS n FROM measurements WHERE gateway_id = $1 GROUP BY seq',
      [gatewayId],
    );
    const gapTable = await client.query<{ exists: boolean }>("SELECT to_regclass('gateway_gaps') IS NOT NULL AS exists");
    const gaps = gapTable.rows[0]?.exists
      ? (await client.query<{ from_seq: string; to_seq: string }>('SELECT from_seq, to_seq FROM gateway_gaps WHERE gateway_id = $1', [gatewayId])).rows
      : [];
    const seen = new Map<number, number>();
    for (const row of stored.rows) seen.set(Number(row.seq), Number(row.n));
    const inGap = (seq: number) => gaps.some((g) => seq >= Number(g.from_seq) && seq <= Number(g.to_seq));
    const counts: DeliveryCounts = { produced: maxSeq, stored: 0, lost: 0, duplicated: 0, dropped: 0, unknown: 0 };
    for (let seq = 1; seq <= maxSeq; seq++) {
      const n = seen.get(seq) ?? 0;
      if (n > 0) counts.stored++;
      if (n > 1) counts.duplicated += n - 1;
      if (n === 0) {
        if (inGap(seq)) counts.dropped++;
        else counts.lost++;
      }
    }
    for (const seq of seen.keys()) if (seq < 1 || seq > maxSeq) counts.unknown++;
    process.stdout.write(`[fault] ${label}: ${JSON.stringify(counts)}\n`);
    return counts;
  } finally {
    await client.end();
  }
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Ends a fault run: stops the polling gateway cleanly, starts it again
 * without devices so it only drains its outbox, waits for an empty outbox,
 * stops it and audits the delivery by sequence.
 */
export async function drainAndAudit(opts: {
  gateway: Service;
  setup: GatewaySetup;
  files: GatewayFiles;
  databaseUrl: string;
  gatewayId: string;
  label: string;
  program?: string[];
}): Promise<DeliveryCounts> {
  await stopCleanly(opts.gateway);
  writeGatewayConfig({ ...opts.setup, noDevices: true });
  const drain = await startGatewayProcess(opts.files.configPath, opts.program);
  await waitFor('the outbox to drain', () => (readOutbox(opts.files.outboxFile).backlog === 0 ? true : undefined), 30_000);
  await stopCleanly(drain);
  const { maxSeq, backlog } = readOutbox(opts.files.outboxFile);
  expect(backlog).toBe(0);
  return auditDelivery(opts.databaseUrl, opts.gatewayId, maxSeq, opts.label);
}
