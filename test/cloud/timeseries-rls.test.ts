import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, openDatabase, runMigrations, withTenant, type Database, type Tx } from '@solarhub/cloud';
import { sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../scripts/src/testing/postgres.js';
import { BACKENDS, startCloud, type Cloud } from './harness.js';
import { newOrganization } from './tenants.js';

/**
 * Row-level security of the time-series tables (migration 0006): as the app
 * role in tenant A, tenant B's series, readings, acknowledged ranges, sync
 * status and gap reports can be neither seen nor written, A's own work, and
 * without a tenant nothing is visible.
 */

interface Org {
  id: string;
  siteId: string;
  gatewayId: string;
  /** A second gateway of the site, without a sync status yet. */
  spareGatewayId: string;
  deviceId: string;
  seriesId: number;
}

const rowsOf = async <T>(q: Promise<unknown>) => ((await q) as { rows: T[] }).rows;
const uuid = (v: string) => sql`${v}::uuid`;

/** A statement's error message (drizzle wraps the server's error: its message is in `cause`), or null when it succeeded. */
async function failure(q: Promise<unknown>): Promise<string | null> {
  return q.then(
    () => null,
    (e: Error) => ((e.cause as Error | undefined) ?? e).message,
  );
}

class Rollback extends Error {
  constructor(readonly result: unknown) {
    super('rollback');
  }
}

/** Runs `fn` as the app role in `organizationId`, then rolls everything back; returns fn's result. */
async function inTenant<T>(database: Database, organizationId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    await withTenant(database.db, organizationId, async (tx) => {
      throw new Rollback(await fn(tx));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result as T;
    throw err;
  }
  throw new Error('unreachable');
}

/** Per table: the column that ties a row to its tenant, a fresh row of an org, and a harmless change. */
const TABLES: { table: string; owner: (o: Org) => SQL; insert: (o: Org) => SQL; set: SQL; move: (o: Org) => SQL }[] = [
  {
    table: 'series',
    owner: (o) => sql`device_id = ${uuid(o.deviceId)}`,
    insert: (o) => sql`INSERT INTO series (device_id, metric, unit) VALUES (${uuid(o.deviceId)}, 'dc_power_w', 'W') RETURNING 1`,
    set: sql`unit = 'kW'`,
    move: (o) => sql`device_id = ${uuid(o.deviceId)}`,
  },
  {
    table: 'measurements',
    owner: (o) => sql`series_id = ${o.seriesId}::bigint`,
    insert: (o) => sql`INSERT INTO measurements (series_id, ts, value, gateway_id, seq) VALUES (${o.seriesId}::bigint, now(), 1, ${uuid(o.gatewayId)}, 99) RETURNING 1`,
    set: sql`value = value + 1`,
    move: (o) => sql`series_id = ${o.seriesId}::bigint`,
  },
  {
    table: 'ingest_ranges',
    owner: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
    insert: (o) => sql`INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq) VALUES (${uuid(o.gatewayId)}, 100, 200) RETURNING 1`,
    set: sql`last_seq = last_seq + 1`,
    move: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
  },
  {
    table: 'gateway_sync_status',
    owner: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
    // One row per gateway: the fresh one is the spare gateway's.
    insert: (o) => sql`INSERT INTO gateway_sync_status (gateway_id, reported_at, backlog, dropped_total, clock_synced, boot_id)
      VALUES (${uuid(o.spareGatewayId)}, now(), 0, 0, true, 'b') RETURNING 1`,
    set: sql`backlog = backlog + 1`,
    move: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
  },
  {
    table: 'gateway_gaps',
    owner: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
    insert: (o) => sql`INSERT INTO gateway_gaps (gateway_id, from_seq, to_seq, count, reason) VALUES (${uuid(o.gatewayId)}, 500, 600, 101, 'buffer_full') RETURNING 1`,
    set: sql`count = count + 1`,
    move: (o) => sql`gateway_id = ${uuid(o.gatewayId)}`,
  },
];

const REFUSED = /row-level security|null value in column "organization_id"/;

describe.each(BACKENDS)('time-series row-level security on %s', (backend) => {
  let cloud: Cloud;
  let a: Org;
  let b: Org;
  const count = async (table: string, where: SQL) =>
    Number((await rowsOf<{ n: number }>(cloud.database.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE ${where}`)))[0]!.n);

  beforeAll(async () => {
    cloud = await startCloud(backend);
    const make = async (name: string): Promise<Org> => {
      const { organizationId } = await newOrganization(cloud, name);
      const db = cloud.database.db;
      const one = async (q: SQL) => (await rowsOf<{ id: string }>(db.execute(q)))[0]!.id;
      const siteId = await one(sql`INSERT INTO sites (organization_id, name) VALUES (${uuid(organizationId)}, 'Roof') RETURNING id`);
      const gateways = [0, 1].map((i) => sql`(${uuid(siteId)}, ${`gw-${i}`}, ${`${name}-${i}-${backend}-hash`}, 'shg_x')`);
      const [gw, spare] = await rowsOf<{ id: string }>(
        db.execute(sql`INSERT INTO gateways (site_id, name, token_hash, token_prefix) VALUES ${sql.join(gateways, sql`, `)} RETURNING id`),
      );
      const gatewayId = gw!.id;
      const deviceId = await one(sql`INSERT INTO devices (site_id, gateway_id, key) VALUES (${uuid(siteId)}, ${uuid(gatewayId)}, 'inv-1') RETURNING id`);
      // As the owner, without organization_id: the trigger takes the device's.
      const seriesId = Number(await one(sql`INSERT INTO series (device_id, metric, unit) VALUES (${uuid(deviceId)}, 'ac_power_w', 'W') RETURNING id`));
      await db.execute(sql`INSERT INTO measurements (series_id, ts, value, gateway_id, seq)
        SELECT ${seriesId}::bigint, now() - i * interval '1 minute', i, ${uuid(gatewayId)}, i FROM generate_series(1, 3) i`);
      await db.execute(sql`INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq) VALUES (${uuid(gatewayId)}, 1, 3)`);
      await db.execute(sql`INSERT INTO gateway_sync_status (gateway_id, reported_at, backlog, dropped_total, clock_synced, boot_id)
        VALUES (${uuid(gatewayId)}, now(), 5, 0, true, 'boot')`);
      await db.execute(sql`INSERT INTO gateway_gaps (gateway_id, from_seq, to_seq, count, reason) VALUES (${uuid(gatewayId)}, 10, 20, 11, 'buffer_full')`);
      return { id: organizationId, siteId, gatewayId, spareGatewayId: spare!.id, deviceId, seriesId };
    };
    a = await make('ts-rls-a');
    b = await make('ts-rls-b');
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('gives a series its device’s organization, whatever the insert says', async () => {
    const [row] = await rowsOf<{ organization_id: string }>(
      cloud.database.db.execute(sql`INSERT INTO series (device_id, metric, unit, organization_id)
        VALUES (${uuid(a.deviceId)}, 'ac_energy_wh', 'Wh', ${uuid(b.id)}) RETURNING organization_id`),
    );
    expect(row!.organization_id).toBe(a.id);
    const [given] = await rowsOf<{ organization_id: string }>(cloud.database.db.execute(sql`SELECT organization_id FROM series WHERE id = ${b.seriesId}::bigint`));
    expect(given!.organization_id).toBe(b.id);
  });

  it.each(TABLES)('$table: shows the tenant’s rows only', async ({ table, owner }) => {
    const seen = await inTenant(cloud.database, a.id, async (tx) => ({
      own: (await rowsOf(tx.execute(sql`SELECT * FROM ${sql.identifier(table)} WHERE ${owner(a)}`))).length,
      other: (await rowsOf(tx.execute(sql`SELECT * FROM ${sql.identifier(table)} WHERE ${owner(b)}`))).length,
      all: (await rowsOf(tx.execute(sql`SELECT * FROM ${sql.identifier(table)}`))).length,
    }));
    expect(seen.own).toBeGreaterThan(0);
    expect(seen.other).toBe(0);
    expect(seen.all).toBe(seen.own);
    expect(await count(table, owner(b))).toBeGreaterThan(0);
  });

  it.each(TABLES)('$table: refuses to insert another tenant’s row', async ({ insert }) => {
    expect(await failure(inTenant(cloud.database, a.id, (tx) => tx.execute(insert(b))))).toMatch(REFUSED);
  });

  it.each(TABLES)('$table: updates and deletes of another tenant’s rows match nothing', async ({ table, owner, set }) => {
    const before = await count(table, owner(b));
    const changed = await withTenant(cloud.database.db, a.id, async (tx) => ({
      updated: (await rowsOf(tx.execute(sql`UPDATE ${sql.identifier(table)} SET ${set} WHERE ${owner(b)} RETURNING 1`))).length,
      deleted: (await rowsOf(tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE ${owner(b)} RETURNING 1`))).length,
    }));
    expect(changed).toEqual({ updated: 0, deleted: 0 });
    expect(await count(table, owner(b))).toBe(before);
  });

  it.each(TABLES)('$table: refuses to move an own row to another tenant', async ({ table, owner, move }) => {
    const message = await failure(inTenant(cloud.database, a.id, (tx) => tx.execute(sql`UPDATE ${sql.identifier(table)} SET ${move(b)} WHERE ${owner(a)}`)));
    expect(message).toMatch(REFUSED);
  });

  it.each(TABLES)('$table: inserts, updates and deletes the tenant’s own rows', async ({ table, owner, insert, set }) => {
    const done = await inTenant(cloud.database, a.id, async (tx) => ({
      inserted: (await rowsOf(tx.execute(insert(a)))).length,
      updated: (await rowsOf(tx.execute(sql`UPDATE ${sql.identifier(table)} SET ${set} WHERE ${owner(a)} RETURNING 1`))).length > 0,
      deleted: (await rowsOf(tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE ${owner(a)} RETURNING 1`))).length > 0,
    }));
    expect(done).toEqual({ inserted: 1, updated: true, deleted: true });
  });

  it.each(TABLES)('$table: shows nothing when no tenant is set', async ({ table }) => {
    const n = await cloud.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('role', 'solarhub_app', true)`);
      return (await rowsOf(tx.execute(sql`SELECT * FROM ${sql.identifier(table)}`))).length;
    });
    expect(n).toBe(0);
    expect(await count(table, sql`true`)).toBeGreaterThan(0);
  });

  it('refuses the app role a partition named directly (it would bypass the parent’s policies)', async () => {
    const message = await failure(inTenant(cloud.database, a.id, (tx) => tx.execute(sql`SELECT * FROM measurements_default`)));
    expect(message).toMatch(/permission denied/);
  });
});

describe.each(BACKENDS)('migration 0006 on %s', (backend) => {
  const log = pino({ level: 'silent' });
  let database: Database | undefined;
  let folder: string | undefined;
  afterAll(async () => {
    await database?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('gives the series of an existing database their device’s organization', async () => {
    const adminUrl = backend === 'postgres' ? inject('postgresAdminUrl') : null;
    database = await openDatabase(adminUrl ? { url: await createDatabase(adminUrl, 'backfill'), log } : { log });
    // The migrations before this one, from a copy of the folder with the journal cut there.
    folder = mkdtempSync(join(tmpdir(), 'solarhub-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string }[] };
    const cut = journal.entries.findIndex((e) => e.tag.endsWith('_timeseries_rls'));
    expect(cut).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
    const config = { migrationsFolder: folder };
    if (database.kind === 'postgres') await migrateNodePg(database.db as unknown as NodePgDatabase, config);
    else await migratePglite(database.db as unknown as PgliteDatabase, config);

    const db = database.db;
    const one = async (q: SQL) => (await rowsOf<{ id: string }>(db.execute(q)))[0]!.id;
    const orgId = await one(sql`INSERT INTO organizations (name) VALUES ('old') RETURNING id`);
    const siteId = await one(sql`INSERT INTO sites (organization_id, name) VALUES (${uuid(orgId)}, 'Roof') RETURNING id`);
    const gatewayId = await one(sql`INSERT INTO gateways (site_id, name, token_hash, token_prefix) VALUES (${uuid(siteId)}, 'gw', 'old-hash', 'shg_x') RETURNING id`);
    const deviceId = await one(sql`INSERT INTO devices (site_id, gateway_id, key) VALUES (${uuid(siteId)}, ${uuid(gatewayId)}, 'inv-1') RETURNING id`);
    await db.execute(sql`INSERT INTO series (device_id, metric, unit) VALUES (${uuid(deviceId)}, 'ac_power_w', 'W'), (${uuid(deviceId)}, 'ac_energy_wh', 'Wh')`);

    await runMigrations(database, log);
    const rows = await rowsOf<{ organization_id: string }>(db.execute(sql`SELECT organization_id FROM series`));
    expect(rows.map((r) => r.organization_id)).toEqual([orgId, orgId]);
  });
});
