import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packReadings, type IngestBatchInput, type ReadingInput } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { inject } from 'vitest';
import {
  buildApp,
  openDatabase,
  provisionDemo,
  runMigrations,
  type AppConfigInput,
  type Database,
  type ProvisionDemoResult,
} from '@solarhub/cloud';
import { createDatabase } from '../../scripts/src/testing/postgres.js';

export type Backend = 'postgres' | 'pglite';

/** Both backends; without server binaries the global setup provides null and "postgres" runs on PGlite (it says so). */
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

export interface Cloud {
  backend: Backend;
  database: Database;
  baseUrl: string;
  app: ReturnType<typeof buildApp>;
  /** The database URL on Postgres (null on PGlite): a second process could open it. */
  url: string | null;
  close(): Promise<void>;
}

export async function startCloud(backend: Backend, config?: AppConfigInput): Promise<Cloud> {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const adminUrl = backend === 'postgres' ? inject('postgresAdminUrl') : null;
  let dataDir: string | undefined;
  let database: Database;
  let url: string | null = null;
  if (adminUrl) {
    url = await createDatabase(adminUrl, 'cloud');
    database = await openDatabase({ url, log });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'solarhub-pglite-'));
    database = await openDatabase({ dataDir, log });
  }
  await runMigrations(database, log);
  const app = buildApp({ database, log, ...(config ? { config } : {}) });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    backend,
    database,
    baseUrl,
    app,
    url,
    close: async () => {
      await app.close();
      await database.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let names = 0;
/** A fresh organization + site + gateway with tokens. */
export function provision(cloud: Cloud, organization = `org-${++names}`): Promise<ProvisionDemoResult> {
  return provisionDemo(cloud.database.db, { organization, site: `site-${++names}`, gateway: `gw-${++names}`, log2N: 14 });
}

export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

/** Readings with seq from..to (inclusive), one per second from T0 + seq seconds, value = seq * 10. */
export function readings(from: number, to: number, overrides: Partial<ReadingInput> = {}): ReadingInput[] {
  const out: ReadingInput[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push({ seq, device: 'inv-1', metric: 'ac_power_w', ts: T0 + seq * 1000, value: seq * 10, unit: 'W', ...overrides });
  }
  return out;
}

export function batch(rs: ReadingInput[], devices: IngestBatchInput['devices'] = []): IngestBatchInput {
  return { sentAt: T0 + 3_600_000, ...packReadings(rs), devices };
}

export interface Sent {
  status: number;
  body: any;
}

export async function ingest(
  cloud: Cloud,
  token: string,
  body: unknown,
  options: { gzip?: boolean; raw?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const json = Buffer.from(JSON.stringify(body));
  const payload = options.raw ?? (options.gzip ? gzipSync(json) : json);
  const res = await fetch(`${cloud.baseUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...options.headers,
    },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}

export async function get(cloud: Cloud, token: string | null, path: string): Promise<Sent> {
  const res = await fetch(`${cloud.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

/** Row counts straight from the database. */
export async function count(cloud: Cloud, table: 'measurements' | 'devices' | 'series' | 'ingest_ranges', gatewayId?: string): Promise<number> {
  const where =
    gatewayId === undefined
      ? sql``
      : table === 'series'
        ? sql` WHERE device_id IN (SELECT id FROM devices WHERE gateway_id = ${gatewayId}::uuid)`
        : sql` WHERE gateway_id = ${gatewayId}::uuid`;
  const result = (await cloud.database.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}${where}`)) as unknown as {
    rows: { n: number }[];
  };
  return Number(result.rows[0]!.n);
}

export async function ranges(cloud: Cloud, gatewayId: string): Promise<[number, number][]> {
  const result = (await cloud.database.db.execute(
    sql`SELECT first_seq, last_seq FROM ingest_ranges WHERE gateway_id = ${gatewayId}::uuid ORDER BY first_seq`,
  )) as unknown as { rows: { first_seq: string | number; last_seq: string | number }[] };
  return result.rows.map((r) => [Number(r.first_seq), Number(r.last_seq)]);
}
