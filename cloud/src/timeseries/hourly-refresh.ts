import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../storage/database.js';
import { PG, pgError } from '../storage/pg-errors.js';
import { queryRows } from '../storage/rows.js';
import { floorHour, HOUR_MS } from './hourly-plan.js';
import { epochMs, isoTime as iso } from './series-types.js';

/**
 * Fills `measurements_hourly` (one row per series and UTC hour) for closed
 * hours, incrementally, once across replicas (jobs.ts runs it under the
 * maintenance lock). The scheme:
 *
 * - A watermark W: every hour before it has been aggregated. A run moves it
 *   to the last hour that closed `settleMs` ago, aggregating the hours in
 *   between straight from `measurements` (a time-range scan, in chunks).
 * - Late readings (a backlog delivered days after an outage) land before W.
 *   A statement-level insert trigger (migration 0007, one DISTINCT over the
 *   inserted rows, nothing per row, nothing for live readings) records their
 *   (series, hour) in `measurements_hourly_dirty` when they are older than
 *   `marked_before`; each run re-aggregates those hours from the raw rows.
 *   No trigger-free scheme is exact here: `measurements` has no index on
 *   (gateway_id, seq) (migration 0005), so the rows behind new
 *   `ingest_ranges` cannot be found without scanning every partition.
 * - Race-free: the run first raises `marked_before` to the new W, then waits
 *   until every transaction in flight at that moment has ended (an insert
 *   that read the old `marked_before` is one of them), and only then reads
 *   the raw rows up to the new W: a reading is either seen by that read or
 *   marked. The folding transactions are REPEATABLE READ and a mark bumped
 *   meanwhile (`marks` + 1) fails them with a serialization error instead of
 *   being deleted unseen; the next run retries.
 *
 * Until the next run, a late reading is in the raw table but not in the
 * aggregate: 1h and 1d reads miss it for up to one run interval.
 */
export interface HourlyRefreshOptions {
  /** The current time, ms (default: Date.now()). */
  now?: number;
  /** An hour is aggregated once it has been over this long (default 5 minutes); readings later than that are folded in as late ones. */
  settleMs?: number;
  /** Hours aggregated per transaction while the watermark advances (default 24). */
  chunkHours?: number;
  /** Most hours the watermark advances in one run; the next run goes on (default 31 days). */
  maxHours?: number;
  /** Dirty (series, hour) pairs re-aggregated per transaction (default 20,000). */
  dirtyBatch?: number;
  /** Longest wait for inserts in flight before giving up this run (default 30 s). */
  waitMs?: number;
  log: Logger;
}

export interface HourlyRefreshResult {
  /** Hours before this are aggregated (ms); null while there is nothing to aggregate yet. */
  watermark: number | null;
  /** Hours the watermark moved by. */
  advancedHours: number;
  /** (series, hour) pairs re-aggregated for late readings. */
  refolded: number;
  /** True when a budget ran out: the next run goes on. */
  more: boolean;
}

export class HourlyRollupError extends Error {
  readonly code = 'hourly_rollup_wait_timeout';
  constructor(readonly waitingFor: number, readonly waitedMs: number) {
    super(`${waitingFor} transactions still in flight after ${waitedMs} ms: the watermark stays where it is until the next run`);
    this.name = 'HourlyRollupError';
  }
}

const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;
const hourOf = (column: SQL) => sql`date_bin(interval '1 hour', ${column}, ${ORIGIN})`;

/** The aggregate columns over rows (ts, value, prev) of one series and hour. */
const AGGREGATES = sql`count(*)::int, sum(value), min(value), max(value),
  min(ts), (array_agg(value ORDER BY ts))[1], max(ts), (array_agg(value ORDER BY ts DESC))[1],
  coalesce(sum(CASE WHEN prev IS NULL THEN 0 WHEN value >= prev THEN value - prev ELSE value END), 0)`;
const COLUMNS = sql`(series_id, hour, count, sum, min, max, first_ts, first_value, last_ts, last_value, increase)`;

export async function refreshHourly(db: Db, options: HourlyRefreshOptions): Promise<HourlyRefreshResult> {
  const log = options.log.child({ component: 'hourly-rollup' });
  const target = floorHour((options.now ?? Date.now()) - (options.settleMs ?? 300_000));
  const state = await readState(db);
  if (state.markedBefore === null || state.markedBefore < target) {
    await db.execute(sql`UPDATE measurements_hourly_state SET marked_before = ${iso(target)}::timestamptz WHERE id = 1`);
  }
  await waitForInFlight(db, options.waitMs ?? 30_000);
  let folded = { refolded: 0, more: false };
  let advanced = { watermark: state.watermark, hours: 0, more: false };
  try {
    if (state.watermark !== null) folded = await foldLate(db, state.watermark, options.dirtyBatch ?? 20_000);
    advanced = await advance(db, state.watermark, target, options.chunkHours ?? 24, options.maxHours ?? 31 * 24);
  } catch (err) {
    // A mark bumped by an insert while we folded it: that transaction rolled back, the next run takes it again.
    if (pgError(err).code !== PG.serializationFailure) throw err;
    log.warn({ err }, 'a late reading arrived while its hour was being folded; the next run goes on');
    return { watermark: (await readState(db)).watermark, advancedHours: 0, refolded: folded.refolded, more: true };
  }
  const result = {
    watermark: advanced.watermark,
    advancedHours: advanced.hours,
    refolded: folded.refolded,
    more: folded.more || advanced.more,
  };
  if (result.advancedHours > 0 || result.refolded > 0) {
    log.info({ ...result, watermark: result.watermark === null ? null : iso(result.watermark) }, 'hourly roll-up refreshed');
  }
  return result;
}

async function readState(db: Db): Promise<{ watermark: number | null; markedBefore: number | null }> {
  const [row] = await queryRows<{ w: number | null; m: number | null }>(
    db,
    sql`SELECT ${epochMs(sql`watermark`)} AS w, ${epochMs(sql`marked_before`)} AS m FROM measurements_hourly_state WHERE id = 1`,
  );
  const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { watermark: num(row?.w), markedBefore: num(row?.m) };
}

/** Waits until the transactions in flight now have ended (PGlite has one connection: none). */
async function waitForInFlight(db: Db, waitMs: number): Promise<void> {
  const [snap] = await queryRows<{ s: string }>(db, sql`SELECT pg_current_snapshot()::text AS s`);
  const started = Date.now();
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM pg_snapshot_xip(${snap!.s}::pg_snapshot) x WHERE pg_xact_status(x) = 'in progress'`,
    );
    const waiting = Number(row?.n ?? 0);
    if (waiting === 0) return;
    if (Date.now() - started >= waitMs) throw new HourlyRollupError(waiting, Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Re-aggregates the marked (series, hour) pairs before `watermark`, in batches. */
async function foldLate(db: Db, watermark: number, batch: number): Promise<{ refolded: number; more: boolean }> {
  let refolded = 0;
  for (let round = 0; round < 50; round++) {
    const n = await db.transaction(
      async (tx) => {
        // The same snapshot for the three statements: the same `batch` pairs each time.
        const picked = sql`(series_id, hour) IN (
          SELECT series_id, hour FROM measurements_hourly_dirty WHERE hour < ${iso(watermark)}::timestamptz
          ORDER BY hour, series_id LIMIT ${batch})`;
        await tx.execute(sql`DELETE FROM measurements_hourly WHERE ${picked}`);
        await tx.execute(
          sql`INSERT INTO measurements_hourly ${COLUMNS}
              SELECT d.series_id, d.hour, a.* FROM (SELECT series_id, hour FROM measurements_hourly_dirty WHERE ${picked}) d
              CROSS JOIN LATERAL (
                SELECT ${AGGREGATES} FROM (
                  SELECT ts, value, lag(value) OVER (ORDER BY ts) AS prev FROM measurements
                  WHERE series_id = d.series_id AND ts >= d.hour AND ts < d.hour + interval '1 hour'
                ) r
              ) a
              WHERE a.count > 0`,
        );
        const [gone] = await queryRows<{ n: number }>(
          tx,
          sql`WITH gone AS (DELETE FROM measurements_hourly_dirty WHERE ${picked} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        );
        return Number(gone?.n ?? 0);
      },
      { isolationLevel: 'repeatable read' },
    );
    refolded += n;
    if (n < batch) return { refolded, more: false };
  }
  return { refolded, more: true };
}

/** Aggregates [watermark, target) chunk by chunk, moving the watermark with each. */
async function advance(
  db: Db,
  watermark: number | null,
  target: number,
  chunkHours: number,
  maxHours: number,
): Promise<{ watermark: number | null; hours: number; more: boolean }> {
  let from: number;
  if (watermark === null) {
    // First run: the hours before the first reading are vacuously aggregated.
    from = await firstHourFrom(db, null, target);
    await setWatermark(db, from);
  } else {
    from = watermark;
  }
  const start = from;
  while (from < target) {
    if (from - start >= maxHours * HOUR_MS) return { watermark: from, hours: (from - start) / HOUR_MS, more: true };
    const to = Math.min(from + chunkHours * HOUR_MS, target);
    const rows = await db.transaction(
      async (tx) => {
        const inChunk = sql`hour >= ${iso(from)}::timestamptz AND hour < ${iso(to)}::timestamptz`;
        await tx.execute(sql`DELETE FROM measurements_hourly WHERE ${inChunk}`);
        const [ins] = await queryRows<{ n: number }>(
          tx,
          sql`WITH ins AS (
                INSERT INTO measurements_hourly ${COLUMNS}
                SELECT series_id, hour, ${AGGREGATES} FROM (
                  SELECT series_id, ${hourOf(sql`ts`)} AS hour, ts, value,
                         lag(value) OVER (PARTITION BY series_id, ${hourOf(sql`ts`)} ORDER BY ts) AS prev
                  FROM measurements WHERE ts >= ${iso(from)}::timestamptz AND ts < ${iso(to)}::timestamptz
                ) r
                GROUP BY series_id, hour
                RETURNING 1)
              SELECT count(*)::int AS n FROM ins`,
        );
        // Marks inside the chunk are covered by this read (a mark committed later stays for foldLate).
        await tx.execute(sql`DELETE FROM measurements_hourly_dirty WHERE ${inChunk}`);
        await setWatermark(tx, to);
        return Number(ins?.n ?? 0);
      },
      { isolationLevel: 'repeatable read' },
    );
    from = to;
    // A stretch without readings (a clock at 1970, a site offline for months): jump to the next reading.
    if (rows === 0 && from < target) {
      const next = await firstHourFrom(db, from, target);
      if (next > from) {
        await setWatermark(db, next);
        from = next;
      }
    }
  }
  return { watermark: from, hours: (from - start) / HOUR_MS, more: false };
}

async function setWatermark(db: DbOrTx, at: number): Promise<void> {
  await db.execute(sql`UPDATE measurements_hourly_state SET watermark = ${iso(at)}::timestamptz WHERE id = 1`);
}

/** The hour of the first reading at or after `from` (null: the very first) and before `target`; `target` when there is none. */
async function firstHourFrom(db: Db, from: number | null, target: number): Promise<number> {
  const lower = from === null ? sql`` : sql`AND ts >= ${iso(from)}::timestamptz`;
  const [row] = await queryRows<{ t: number | null }>(
    db,
    sql`SELECT ${epochMs(sql`min(ts)`)} AS t FROM measurements WHERE ts < ${iso(target)}::timestamptz ${lower}`,
  );
  return row?.t === null || row?.t === undefined ? target : floorHour(Number(row.t));
}
