import { sql, type SQL } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import type { Bucket } from './buckets.js';
import { floorHour, planSources } from './hourly-plan.js';
import { readWatermark } from './hourly-query.js';
import { refreshHourly } from './hourly-refresh.js';
import { KINDS, openHourlyStand, rangeOf, type HourlyStand, type Kind, type StandReading } from './hourly-stand.test-support.js';
import { listPartitions, maintainPartitions } from './partitions.js';
import { enforceRetention } from './retention.js';
import { DAY_MS, DEFAULT_PARTITION, weekPartition } from './weeks.js';

/**
 * Retention by whole partitions (every organization has a retention) takes
 * the hourly aggregate along: hours before the partition that holds the
 * cutoff go, every hour from that partition on stays, and 1h/1d reads
 * through the aggregate still equal the raw path. (hourly.test.ts covers the
 * per-organization DELETE path.)
 */
const log = pino({ level: 'silent' });
const H = 3_600_000;
const DAYS = 10; // every organization's retention
/** Weekly partitions (Mondays): W[0] 2025-08-25 (no partition: its rows wait in the default one), W[1] 09-01 .. W[4] 09-22. */
const W = ['2025-08-25', '2025-09-01', '2025-09-08', '2025-09-15', '2025-09-22'].map((d) => weekPartition(Date.parse(`${d}T00:00:00Z`)));
const START = Date.parse('2025-08-29T00:00:00Z');
const END = Date.parse('2025-09-24T12:00:00Z');
const STEP = 900_000;
const READINGS = (END - START) / STEP;
/** Hours without readings, so that the aggregate is not simply every hour of every series. */
const GAPS = [
  [Date.parse('2025-09-16T03:00:00Z'), Date.parse('2025-09-16T07:00:00Z')],
  [Date.parse('2025-09-23T02:00:00Z'), Date.parse('2025-09-23T04:00:00Z')],
] as const;
/** Every 15 minutes, 0, 20 or 40 s past (every third on the quarter exactly). */
const tsOf = (i: number) => START + i * STEP + (i % 3) * 20_000;
/** The cutoff of the first run: Thursday 10:30 of W[3], kept from 10:00 (whole hours). */
const MIDDLE = W[3]!.from + 3 * DAY_MS + 10 * H + 30 * 60_000;

/** Integer values (exact sums on both paths); counters with resets on either side of the first cutoff; `export` ends before W[3]. */
function values(kind: Kind): number[] {
  const out: number[] = [];
  let v = 1000;
  for (let i = 0; i < READINGS; i++) {
    if (kind === 'power') out.push(((i * 31) % 500) - 100);
    else {
      if (kind === 'energy') v = i === 1000 ? 3 : i === 2100 ? 0 : v + ((i * 7) % 13);
      if (kind === 'import') v = i === 1900 ? 5 : v + ((i * 5) % 11);
      if (kind === 'export') v += i % 4 === 0 ? 6 : 0;
      out.push(v);
    }
  }
  return out;
}
const has = (kind: Kind, i: number) => !GAPS.some(([a, b]) => tsOf(i) >= a && tsOf(i) < b) && (kind !== 'export' || tsOf(i) < W[3]!.from);

const CASES: [string, Bucket, string, string][] = [
  ['UTC', '1h', '2025-09-14T18:00:00Z', '2025-09-24T12:00:00Z'],
  ['UTC', '1d', '2025-08-29T00:00:00Z', '2025-09-25T00:00:00Z'],
  ['Europe/Berlin', '1d', '2025-09-01T00:00:00Z', '2025-09-24T00:00:00Z'],
  ['Asia/Kathmandu', '1d', '2025-09-01T00:00:00Z', '2025-09-24T00:00:00Z'],
];

describe.each(['postgres', 'pglite'] as const)('retention by whole partitions and the hourly aggregate on %s', (backend) => {
  let stand: HourlyStand;
  let database: Database;
  let ids: Record<Kind, number>;
  /** Every reading inserted, to count the hours the aggregate must have. */
  const inserted: { series: number; ts: number }[] = [];

  async function insert(rows: StandReading[]): Promise<void> {
    await stand.insert(rows);
    inserted.push(...rows);
  }
  const generated = (keep: (ts: number) => boolean) =>
    KINDS.flatMap((kind) => {
      const v = values(kind);
      return v.flatMap((value, i) => (has(kind, i) && keep(tsOf(i)) ? [{ series: ids[kind], ts: tsOf(i), value }] : []));
    });

  const one = async <T>(query: SQL) => (await queryRows<T>(database.db, query))[0]!;
  const count = async (query: SQL) => Number((await one<{ n: number | string }>(query)).n);
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Every column of the aggregate's rows from `from` on, in order. */
  const aggregateFrom = (from: number) =>
    queryRows<{ h: number } & Record<string, unknown>>(
      database.db,
      sql`SELECT series_id::text AS s, (extract(epoch FROM hour) * 1000)::float8 AS h, count, sum, min, max,
                 (extract(epoch FROM first_ts) * 1000)::float8 AS ft, first_value, (extract(epoch FROM last_ts) * 1000)::float8 AS lt, last_value, increase
          FROM measurements_hourly WHERE hour >= ${iso(from)}::timestamptz ORDER BY series_id, hour`,
    );
  /** (series, hour) pairs with a reading inserted in [from, to). */
  const hoursWithReadings = (from: number, to: number) =>
    new Set(inserted.filter((r) => r.ts >= from && r.ts < to).map((r) => `${r.series}@${floorHour(r.ts)}`)).size;

  /** Through the aggregate (it is read) as the raw path. */
  async function expectSameAsRaw(tz: string, bucket: Bucket, from: string, to: string): Promise<void> {
    expect(planSources(rangeOf(tz, bucket, from, to), await readWatermark(database.db)).hourly.length).toBeGreaterThan(0); // the aggregate is read
    await stand.expectSameAsRaw(tz, bucket, from, to);
  }


  /** After a run that kept everything from `kept` on: nothing older in either table, every newer hour unchanged, raw and aggregate agree. */
  async function expectKeptFrom(kept: number, before: unknown[]): Promise<void> {
    const watermark = (await readWatermark(database.db))!;
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements WHERE ts < ${iso(kept)}::timestamptz`)).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly WHERE hour < ${iso(kept)}::timestamptz`)).toBe(0);
    expect(await aggregateFrom(kept)).toEqual(before);
    // Exactly one aggregate row per (series, hour) with readings kept, below the watermark, and no reading unaccounted for.
    expect(before).toHaveLength(hoursWithReadings(kept, watermark));
    expect(before.length).toBeGreaterThan(100);
    const sums = await one<{ hourly: number; raw: number; hours: number }>(
      sql`SELECT (SELECT sum(count)::int FROM measurements_hourly) AS hourly,
                 (SELECT count(*)::int FROM measurements WHERE ts < ${iso(watermark)}::timestamptz) AS raw,
                 (SELECT count(*)::int FROM (SELECT DISTINCT series_id, date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00')
                                            FROM measurements WHERE ts < ${iso(watermark)}::timestamptz) d) AS hours`,
    );
    expect({ hourly: Number(sums.hourly), hours: Number(sums.hours) }).toEqual({ hourly: Number(sums.raw), hours: before.length });
    for (const [tz, bucket, from, to] of CASES) await expectSameAsRaw(tz, bucket, from, to);
  }

  beforeAll(async () => {
    stand = await openHourlyStand(backend, 'retained');
    ({ database, ids } = stand);
    // W[1]..W[4] get partitions (adopted from the default partition, and around "now"); W[0]'s rows come later and stay in the default one.
    await insert(generated((ts) => ts >= W[1]!.from));
    const made = await maintainPartitions(database.db, { now: END, aheadWeeks: 1, log });
    expect(made.created).toEqual([...W.slice(1).map((p) => p.name), weekPartition(W[4]!.to).name]);
    await insert(generated((ts) => ts < W[1]!.from));
    expect(await count(sql`SELECT count(*)::int AS n FROM ${sql.identifier(DEFAULT_PARTITION)}`)).toBe(generated((ts) => ts < W[1]!.from).length);
    expect(await refreshHourly(database.db, { now: END, log })).toMatchObject({ watermark: END - H, more: false });
    // A late reading for W[2], marked and not folded in yet when retention drops its partition.
    await insert([{ series: ids.power, ts: Date.parse('2025-09-10T05:10:00Z'), value: 777 }]);
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`)).toBe(1);
    await database.db.execute(sql`UPDATE organizations SET measurement_retention_days = ${DAYS}`);
  });

  afterAll(async () => {
    await stand?.close();
  });

  it('a cutoff in the middle of a partition drops its predecessors, keeps every aggregated hour from its start on', async () => {
    const before = await aggregateFrom(W[3]!.from);
    const defaultRows = await count(sql`SELECT count(*)::int AS n FROM ${sql.identifier(DEFAULT_PARTITION)}`);
    const result = await enforceRetention(database.db, { now: MIDDLE + DAYS * DAY_MS, batchSize: 100, log });
    expect(result).toEqual({ droppedPartitions: [W[1]!.name, W[2]!.name], deletedRows: defaultRows, more: false, dropBefore: floorHour(MIDDLE) });
    expect(defaultRows).toBeGreaterThan(100); // several batches
    expect((await listPartitions(database.db)).map((p) => p.name).sort()).toEqual([W[3]!.name, W[4]!.name, weekPartition(W[4]!.to).name]);
    // The holding partition keeps its rows before the cutoff (up to a week past retention), and their aggregate.
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements WHERE ts < ${iso(floorHour(MIDDLE))}::timestamptz`)).toBeGreaterThan(0);
    expect(before.filter((r) => Number(r.h) < floorHour(MIDDLE)).length).toBeGreaterThan(0);
    await expectKeptFrom(W[3]!.from, before);

    // The next roll-up folds the mark of the dropped reading into nothing and re-creates no dropped hour.
    expect(await refreshHourly(database.db, { now: END + 2 * H, log })).toMatchObject({ watermark: END + H, refolded: 1, more: false });
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly WHERE hour < ${iso(W[3]!.from)}::timestamptz`)).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`)).toBe(0);
    await expectKeptFrom(W[3]!.from, await aggregateFrom(W[3]!.from));
  });

  it('a cutoff on a partition boundary drops the partition before it, and the aggregate up to the boundary exactly', async () => {
    // A backlog for a dropped week arrives: it waits in the default partition, and the roll-up aggregates it.
    await insert([{ series: ids.power, ts: Date.parse('2025-09-11T07:10:00Z'), value: 555 }]);
    expect(await refreshHourly(database.db, { now: END + 2 * H, log })).toMatchObject({ refolded: 1 });
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly WHERE hour < ${iso(W[3]!.from)}::timestamptz`)).toBe(1);

    const before = await aggregateFrom(W[4]!.from);
    expect(before.filter((r) => Number(r.h) === W[4]!.from)).toHaveLength(3); // the first hour of W[4]: 3 series (export ended)
    const result = await enforceRetention(database.db, { now: W[4]!.from + DAYS * DAY_MS, log });
    expect(result).toEqual({ droppedPartitions: [W[3]!.name], deletedRows: 1, more: false, dropBefore: W[4]!.from });
    expect(await count(sql`SELECT count(*)::int AS n FROM ${sql.identifier(DEFAULT_PARTITION)}`)).toBe(0);
    await expectKeptFrom(W[4]!.from, before);

    expect(await refreshHourly(database.db, { now: END + 3 * H, log })).toMatchObject({ watermark: END + 2 * H, refolded: 0 });
    expect(await count(sql`SELECT count(*)::int AS n FROM measurements_hourly WHERE hour < ${iso(W[4]!.from)}::timestamptz`)).toBe(0);
    // Nothing more to do.
    expect(await enforceRetention(database.db, { now: W[4]!.from + DAYS * DAY_MS, log })).toMatchObject({ droppedPartitions: [], deletedRows: 0 });
  });
});
