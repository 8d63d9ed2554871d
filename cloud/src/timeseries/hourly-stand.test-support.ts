import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { expect, inject } from 'vitest';
import { createDatabase } from '../../../scripts/src/testing/postgres.js';
import { provisionDemo } from '../provisioning/demo.js';
import { openDatabase, type Database } from '../storage/database.js';
import { runMigrations } from '../storage/migrate.js';
import { queryRows } from '../storage/rows.js';
import { alignRange, type Bucket } from './buckets.js';
import { counterBuckets, gaugeBuckets, type GaugeAgg } from './series-query.js';

/**
 * Test support for the hourly aggregate's tests (not built into dist/): a
 * migrated database on PostgreSQL or PGlite with one site, an inverter and a
 * meter, four series (two counters with their own kinds of resets, a gauge,
 * one more counter), a raw insert of readings, and the check that reads
 * through the aggregate equal the raw path.
 */
export type Kind = 'energy' | 'power' | 'import' | 'export';
export const KINDS: Kind[] = ['energy', 'power', 'import', 'export'];
export const AGGS: GaugeAgg[] = ['avg', 'min', 'max', 'last'];
const METRIC: Record<Kind, string> = { energy: 'ac_energy_wh', power: 'ac_power_w', import: 'energy_imported_wh', export: 'energy_exported_wh' };

export interface StandReading {
  series: number;
  ts: number;
  value: number;
}

export interface HourlyStand {
  database: Database;
  /** The database URL on PostgreSQL (null on PGlite): a second connection could open it. */
  url: string | null;
  organizationId: string;
  ids: Record<Kind, number>;
  /** Inserts readings as the owner, one statement, with fresh sequence numbers. */
  insert(rows: readonly StandReading[]): Promise<void>;
  /** Counters and the gauge (every aggregate) over the range: the automatic path equals the raw one. */
  expectSameAsRaw(tz: string, bucket: Bucket, from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

export const rangeOf = (tz: string, bucket: Bucket, from: string, to: string) => ({ ...alignRange(Date.parse(from), Date.parse(to), bucket, tz), bucket, tz });

/** `name` names the database, the organization, its site (`name-site`) and its gateway (`name-gw`). */
export async function openHourlyStand(backend: 'postgres' | 'pglite', name: string): Promise<HourlyStand> {
  const log = pino({ level: 'silent' });
  const adminUrl = backend === 'postgres' ? inject('postgresAdminUrl') : null;
  let url: string | null = null;
  let dataDir: string | undefined;
  let database: Database;
  if (adminUrl) database = await openDatabase({ url: (url = await createDatabase(adminUrl, name)), log });
  else database = await openDatabase({ dataDir: (dataDir = mkdtempSync(join(tmpdir(), `solarhub-${name}-`))), log });
  await runMigrations(database, log);
  const demo = await provisionDemo(database.db, { organization: name, site: `${name}-site`, gateway: `${name}-gw`, log2N: 14 });
  const ids = {} as Record<Kind, number>;
  for (const [key, type, kinds] of [['inv', 'inverter', ['energy', 'power']], ['meter', 'meter', ['import', 'export']]] as const) {
    const [device] = await queryRows<{ id: string }>(
      database.db,
      sql`INSERT INTO devices (site_id, gateway_id, key, type) VALUES (${demo.siteId}::uuid, ${demo.gatewayId}::uuid, ${key}, ${type}) RETURNING id`,
    );
    for (const kind of kinds) {
      const [s] = await queryRows<{ id: number }>(
        database.db,
        sql`INSERT INTO series (device_id, metric, unit) VALUES (${device!.id}::uuid, ${METRIC[kind]}, 'Wh') RETURNING id`,
      );
      ids[kind] = Number(s!.id);
    }
  }
  let seq = 0;
  const list = (xs: number[]) => sql.param(`{${xs.join(',')}}`);
  const counters = () => [ids.energy, ids.import, ids.export];
  return {
    database,
    url,
    organizationId: demo.organizationId,
    ids,
    async insert(rows) {
      await database.db.execute(
        sql`INSERT INTO measurements (series_id, ts, value, gateway_id, seq)
            SELECT s, to_timestamp(ms / 1000.0), v, ${demo.gatewayId}::uuid, q
            FROM unnest(${list(rows.map((r) => r.series))}::bigint[], ${list(rows.map((r) => r.ts))}::float8[],
                        ${list(rows.map((r) => r.value))}::float8[], ${list(rows.map(() => ++seq))}::bigint[]) AS u(s, ms, v, q)`,
      );
    },
    async expectSameAsRaw(tz, bucket, from, to) {
      const range = rangeOf(tz, bucket, from, to);
      const auto = await counterBuckets(database.db, counters(), range);
      expect(auto.length).toBeGreaterThan(0);
      expect(auto).toEqual(await counterBuckets(database.db, counters(), range, { source: 'raw' }));
      for (const agg of AGGS) {
        expect(await gaugeBuckets(database.db, ids.power, range, agg)).toEqual(await gaugeBuckets(database.db, ids.power, range, agg, { source: 'raw' }));
      }
    },
    async close() {
      await database.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
