import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { DEFAULT_PARTITION, PARENT_TABLE, parsePartitionName, partitionsAround, weekPartition, type WeekPartition } from './weeks.js';

export interface PartitionMaintenanceOptions {
  /** The current time, ms (default: Date.now()). */
  now?: number;
  /** Weeks of partitions to keep ready after the current one (default 4). */
  aheadWeeks?: number;
  /**
   * Rows in the default partition older than this (ms) are left for the
   * retention job instead of getting a partition of their own (default: none).
   */
  adoptFrom?: number | null;
  /** Most partitions created for default-partition rows in one run (default 52). */
  maxAdopted?: number;
  log: Logger;
}

export interface PartitionMaintenanceResult {
  created: string[];
  /** Rows moved out of the default partition into new partitions. */
  movedRows: number;
}

/** The weekly partitions of `measurements` that exist now (not the default one). */
export async function listPartitions(db: DbOrTx): Promise<WeekPartition[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ${PARENT_TABLE}::regclass`,
  );
  return rows.map((r) => parsePartitionName(r.name)).filter((p): p is WeekPartition => p !== null);
}

/**
 * Creates the partitions that should exist: last week's, this week's and
 * `aheadWeeks` more, and one for every week that has rows waiting in the
 * default partition (those rows move into it). Idempotent; run it at start
 * and periodically, once across replicas.
 */
export async function maintainPartitions(db: Db, options: PartitionMaintenanceOptions): Promise<PartitionMaintenanceResult> {
  const log = options.log.child({ component: 'partitions' });
  const now = options.now ?? Date.now();
  const ahead = partitionsAround(now, options.aheadWeeks ?? 4);
  const waiting = await weeksInDefault(db, options.adoptFrom ?? null, ahead.at(-1)!.to, options.maxAdopted ?? 52);
  const existing = new Set((await listPartitions(db)).map((p) => p.name));
  const wanted = new Map<string, WeekPartition>();
  for (const p of [...ahead, ...waiting]) if (!existing.has(p.name)) wanted.set(p.name, p);
  const created: string[] = [];
  let movedRows = 0;
  for (const p of [...wanted.values()].sort((a, b) => a.from - b.from)) {
    const moved = await createPartition(db, p);
    if (moved === null) continue;
    created.push(p.name);
    movedRows += moved;
    log.info({ partition: p.name, from: new Date(p.from).toISOString(), movedRows: moved }, 'partition created');
  }
  return { created, movedRows };
}

/** Weeks that have rows in the default partition, from `adoptFrom` up to `before`. */
async function weeksInDefault(db: Db, adoptFrom: number | null, before: number, max: number): Promise<WeekPartition[]> {
  const lower = adoptFrom === null ? sql`` : sql`AND ts >= ${new Date(adoptFrom).toISOString()}::timestamptz`;
  const rows = await queryRows<{ week: number | string }>(
    db,
    sql`SELECT DISTINCT (extract(epoch FROM date_bin('7 days', ts, timestamptz '1970-01-05 00:00:00+00')) * 1000)::float8 AS week
        FROM ${sql.identifier(DEFAULT_PARTITION)}
        WHERE ts < ${new Date(before).toISOString()}::timestamptz ${lower}
        ORDER BY week DESC LIMIT ${max}`,
  );
  return rows.map((r) => weekPartition(Number(r.week)));
}

/**
 * One partition, in one transaction: created detached, filled with its rows
 * from the default partition, then attached (ATTACH locks the parent more
 * lightly than CREATE ... PARTITION OF, and refuses nothing: the default
 * partition no longer holds rows of its range). Null when it already exists.
 */
async function createPartition(db: Db, p: WeekPartition): Promise<number | null> {
  const table = sql.identifier(p.name);
  const from = new Date(p.from).toISOString();
  const to = new Date(p.to).toISOString();
  return db.transaction(async (tx) => {
    // Inserts into the default partition wait (briefly) so that none lands in this range before ATTACH checks it.
    await tx.execute(sql`LOCK TABLE ${sql.identifier(DEFAULT_PARTITION)} IN ACCESS EXCLUSIVE MODE`);
    const [exists] = await queryRows<{ oid: string | null }>(tx, sql`SELECT to_regclass(${p.name})::text AS oid`);
    if (exists?.oid) return null;
    await tx.execute(sql`CREATE TABLE ${table} (LIKE ${sql.identifier(PARENT_TABLE)} INCLUDING DEFAULTS)`);
    // Statements through the parent need no privilege on a partition; the app role must not name one
    // directly and bypass the parent's row-level security (migration 0006). No role: nothing to revoke.
    await tx.execute(
      sql.raw(`DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'solarhub_app') THEN EXECUTE 'REVOKE ALL ON ${p.name} FROM solarhub_app'; END IF;
      END $$`),
    );
    const [moved] = await queryRows<{ n: number | string }>(
      tx,
      sql`WITH moved AS (
            DELETE FROM ${sql.identifier(DEFAULT_PARTITION)} WHERE ts >= ${from}::timestamptz AND ts < ${to}::timestamptz
            RETURNING series_id, ts, value, quality, gateway_id, seq
          ), ins AS (
            INSERT INTO ${table} (series_id, ts, value, quality, gateway_id, seq) SELECT * FROM moved RETURNING 1
          )
          SELECT count(*)::int AS n FROM ins`,
    );
    // Bounds are literals in ATTACH (no parameters); both come from numbers, not from input.
    await tx.execute(
      sql`ALTER TABLE ${sql.identifier(PARENT_TABLE)} ATTACH PARTITION ${table} FOR VALUES FROM (${sql.raw(`'${from}'`)}) TO (${sql.raw(`'${to}'`)})`,
    );
    return Number(moved?.n ?? 0);
  });
}
