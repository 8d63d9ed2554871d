import { sql } from 'drizzle-orm';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDemo } from '../provisioning/demo.js';
import type { Database } from '../storage/database.js';
import { withTenant } from '../storage/tenancy.js';
import { queryRows } from '../storage/rows.js';
import type { Bucket } from './buckets.js';
import { planSources, type SourcePlan } from './hourly-plan.js';
import { hourlyCounterBuckets, hourlyGaugeBuckets, readWatermark } from './hourly-query.js';
import { refreshHourly } from './hourly-refresh.js';
import { enforceRetention } from './retention.js';
import { AGGS, KINDS, openHourlyStand, rangeOf, type HourlyStand, type Kind, type StandReading } from './hourly-stand.test-support.js';
import { counterBuckets, gaugeBuckets } from './series-query.js';

/**
 * The pre-aggregated path gives the raw path's results: counters with
 * resets, irregular timestamps (some exactly on the hour), daylight saving
 * in Berlin, zones at +05:30 and +05:45, hours not aggregated yet, a backlog
 * delivered after its hours were aggregated, and retention.
 */
const log = pino({ level: 'silent' });
const H = 3_600_000;
const P0 = Date.parse('2025-10-24T00:00:00Z');
const P1 = Date.parse('2025-10-29T00:00:00Z');
const NOW = P1 + 2 * H; // the roll-up aggregates up to P1 + 1h; the readings go on to P1 + 3h
const STEP = 300_000;
const READINGS = (P1 + 3 * H - P0) / STEP;
/** Held back and delivered after the first roll-up (about 2025-10-25 17:40 to 22:40 UTC). */
const LATE = { from: 500, to: 560 };

/** Every 5 minutes, 0, 20 or 40 s past (every 12th on the hour exactly). */
const tsOf = (i: number) => P0 + i * STEP + (i % 3) * 20_000;

/** Integer values (exact sums on both paths); counters with resets, one of them in the late stretch, one on the hour. */
function values(kind: Kind): number[] {
  const out: number[] = [];
  let v = 1000;
  for (let i = 0; i < READINGS; i++) {
    if (kind === 'power') out.push(((i * 31) % 500) - 100);
    else {
      if (kind === 'energy') v = i === 400 ? 3 : i === 540 || i === 600 ? 0 : v + ((i * 7) % 13);
      if (kind === 'import') v = i === 700 ? 5 : v + ((i * 5) % 11);
      if (kind === 'export') v += i % 4 === 0 ? 6 : 0;
      out.push(v);
    }
  }
  return out;
}

const CASES: [string, Bucket, string, string][] = [
  ['UTC', '1h', '2025-10-24T03:00:00Z', '2025-10-29T03:00:00Z'],
  ['UTC', '1d', '2025-10-24T00:00:00Z', '2025-10-29T03:00:00Z'],
  ['Europe/Berlin', '1d', '2025-10-24T12:00:00Z', '2025-10-29T00:00:00Z'],
  ['Europe/Berlin', '1h', '2025-10-25T20:00:00Z', '2025-10-26T05:00:00Z'],
  ['Asia/Kolkata', '1d', '2025-10-24T12:00:00Z', '2025-10-29T02:00:00Z'],
  ['Asia/Kolkata', '1h', '2025-10-25T12:00:00Z', '2025-10-26T02:00:00Z'],
  ['Asia/Kathmandu', '1d', '2025-10-24T12:00:00Z', '2025-10-28T12:00:00Z'],
  ['America/New_York', '1d', '2025-10-24T12:00:00Z', '2025-10-29T02:00:00Z'],
];

describe.each(['postgres', 'pglite'] as const)('hourly roll-up on %s', (backend) => {
  let stand: HourlyStand;
  let database: Database;
  let url: string | null = null;
  let organizationId: string;
  let ids: Record<Kind, number>;

  /** The readings of `kinds` whose index `keep` accepts. */
  async function insert(kinds: Kind[], keep: (i: number) => boolean): Promise<void> {
    const rows: StandReading[] = [];
    for (const kind of kinds) {
      const v = values(kind);
      for (let i = 0; i < READINGS; i++) if (keep(i)) rows.push({ series: ids[kind], ts: tsOf(i), value: v[i]! });
    }
    await stand.insert(rows);
  }

  const counters = () => [ids.energy, ids.import, ids.export];
  const expectSameAsRaw = (tz: string, bucket: Bucket, from: string, to: string) => stand.expectSameAsRaw(tz, bucket, from, to);

  beforeAll(async () => {
    stand = await openHourlyStand(backend, 'rollup');
    ({ database, url, organizationId, ids } = stand);
    await insert(KINDS, (i) => i < LATE.from || i >= LATE.to);
    const first = await refreshHourly(database.db, { now: NOW, log, chunkHours: 7 });
    expect(first).toMatchObject({ watermark: P1 + H, refolded: 0, more: false });
  });

  afterAll(async () => {
    await stand?.close();
  });

  it('aggregates every closed hour that has readings, and no other', async () => {
    const [row] = await queryRows<{ n: number; first: number; last: number }>(
      database.db,
      sql`SELECT count(*)::int AS n, min(extract(epoch FROM hour) * 1000)::float8 AS first, max(extract(epoch FROM hour) * 1000)::float8 AS last
          FROM measurements_hourly WHERE series_id = ${ids.power}::bigint`,
    );
    // P0 .. P1 + 1h, less the 5 late hours that had no reading yet (17:40-22:40 leaves 18:00-22:00 empty).
    expect({ n: Number(row!.n), first: Number(row!.first), last: Number(row!.last) }).toEqual({ n: 5 * 24 + 1 - 4, first: P0, last: P1 });
    expect(await readWatermark(database.db)).toBe(P1 + H);
  });

  it.each(CASES)('%s %s from %s to %s: the same as the raw path', async (tz, bucket, from, to) => {
    const plan = planSources(rangeOf(tz, bucket, from, to), P1 + H);
    expect(plan.hourly.length > 0).toBe(!(tz === 'Asia/Kolkata' && bucket === '1h'));
    await expectSameAsRaw(tz, bucket, from, to);
  });

  it.each([2, 3, 7])('any split of UTC hours between the aggregate and raw readings (every %i-th hour raw) gives the raw result', async (every) => {
    // In UTC every hour fits a 1h bucket, so any split is a valid plan; 120 hours split every 2nd needs more raw ranges than fit as constants.
    const range = rangeOf('UTC', '1h', '2025-10-24T00:00:00Z', '2025-10-29T00:00:00Z');
    const plan: SourcePlan = { hourly: [], raw: [] };
    for (let h = range.from, k = 0; h < range.to; h += H, k++) {
      const list = k % every === 0 ? plan.raw : plan.hourly;
      const last = list.at(-1);
      if (last && last.to === h) last.to = h + H;
      else list.push({ from: h, to: h + H });
    }
    expect(plan.raw.length > 48).toBe(every === 2);
    expect(await hourlyCounterBuckets(database.db, counters(), range, plan)).toEqual(await counterBuckets(database.db, counters(), range, { source: 'raw' }));
    for (const agg of AGGS) {
      expect(await hourlyGaugeBuckets(database.db, ids.power, range, agg, plan)).toEqual(await gaugeBuckets(database.db, ids.power, range, agg, { source: 'raw' }));
    }
  });

  it('readings newer than the watermark mark nothing', async () => {
    const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`);
    expect(Number(row!.n)).toBe(0);
  });

  it('a backlog delivered after its hours were aggregated is marked, then folded in by the next run', async () => {
    await insert(KINDS, (i) => i >= LATE.from && i < LATE.to);
    const [marks] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`);
    expect(Number(marks!.n)).toBe(4 * 6); // 4 series, 17:00..22:00
    // Until the next run the aggregate lacks them (the day of 2025-10-25 differs).
    const day = rangeOf('UTC', '1d', '2025-10-25T00:00:00Z', '2025-10-26T00:00:00Z');
    const stale = await counterBuckets(database.db, counters(), day);
    expect(stale).not.toEqual(await counterBuckets(database.db, counters(), day, { source: 'raw' }));

    const second = await refreshHourly(database.db, { now: NOW, log });
    expect(second).toMatchObject({ watermark: P1 + H, advancedHours: 0, refolded: 4 * 6, more: false });
    for (const [tz, bucket, from, to] of CASES) await expectSameAsRaw(tz, bucket, from, to);
    const [left] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`);
    expect(Number(left!.n)).toBe(0);
  });

  it('the next hours are aggregated as time goes on', async () => {
    const third = await refreshHourly(database.db, { now: NOW + 2 * H, log });
    expect(third).toMatchObject({ watermark: P1 + 3 * H, advancedHours: 2, refolded: 0 });
    await expectSameAsRaw('UTC', '1h', '2025-10-28T20:00:00Z', '2025-10-29T03:00:00Z');
  });

  it('under row-level security: a tenant reads its own aggregate, another tenant nothing; late inserts as the app role are marked', async () => {
    const range = rangeOf('Europe/Berlin', '1d', '2025-10-24T12:00:00Z', '2025-10-29T00:00:00Z');
    const owner = await counterBuckets(database.db, counters(), range);
    expect(await withTenant(database.db, organizationId, (tx) => counterBuckets(tx, counters(), range))).toEqual(owner);
    const stranger = await provisionDemo(database.db, { organization: 'stranger', site: 'stranger-site', gateway: 'stranger-gw', log2N: 14 });
    expect(await withTenant(database.db, stranger.organizationId, (tx) => counterBuckets(tx, counters(), range))).toEqual([]);
    expect(await withTenant(database.db, stranger.organizationId, (tx) => queryRows(tx, sql`SELECT 1 FROM measurements_hourly LIMIT 1`))).toEqual([]);

    await withTenant(database.db, organizationId, (tx) =>
      tx.execute(sql`INSERT INTO measurements (series_id, ts, value, gateway_id, seq)
                     SELECT ${ids.power}::bigint, '2025-10-27T05:10:00Z', 777, id, 888888 FROM gateways WHERE name = 'rollup-gw'`),
    );
    const [marks] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM measurements_hourly_dirty`);
    expect(Number(marks!.n)).toBe(1);
    expect(await refreshHourly(database.db, { now: NOW + 2 * H, log })).toMatchObject({ refolded: 1 });
    await expectSameAsRaw('Europe/Berlin', '1d', '2025-10-24T12:00:00Z', '2025-10-29T00:00:00Z');
  });

  it('retention deletes the aggregate with the readings, in whole hours', async () => {
    await database.db.execute(sql`UPDATE organizations SET measurement_retention_days = 2 WHERE id = ${organizationId}::uuid`);
    const now = Date.parse('2025-10-28T10:30:00Z'); // cutoff 2025-10-26 10:30, kept from 10:00
    await enforceRetention(database.db, { now, log });
    const [row] = await queryRows<{ raw: number; hourly: number; first: number }>(
      database.db,
      sql`SELECT (SELECT count(*)::int FROM measurements WHERE ts < '2025-10-26T10:00:00Z') AS raw,
                 (SELECT count(*)::int FROM measurements_hourly WHERE hour < '2025-10-26T10:00:00Z') AS hourly,
                 (SELECT (extract(epoch FROM min(hour)) * 1000)::float8 FROM measurements_hourly) AS first`,
    );
    expect({ raw: Number(row!.raw), hourly: Number(row!.hourly), first: Number(row!.first) }).toEqual({
      raw: 0,
      hourly: 0,
      first: Date.parse('2025-10-26T10:00:00Z'),
    });
    await expectSameAsRaw('Europe/Berlin', '1d', '2025-10-26T00:00:00Z', '2025-10-29T00:00:00Z');
    await expectSameAsRaw('UTC', '1h', '2025-10-26T08:00:00Z', '2025-10-26T14:00:00Z');
  });

  // PGlite has one connection: no insert can be in flight while the job runs.
  if (backend === 'postgres') {
    it('an insert in flight when the watermark moves is waited for, never lost', async () => {
      if (url === null) throw new Error('no PostgreSQL server: the global setup found no binaries');
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        const at = P1 + 3 * H + 600_000; // after marked_before (P1 + 3h): the trigger marks nothing
        await other.query('BEGIN');
        await other.query(`INSERT INTO measurements (series_id, ts, value, gateway_id, seq) SELECT $1, $2, 4242, id, 999999 FROM gateways LIMIT 1`, [
          ids.power,
          new Date(at).toISOString(),
        ]);
        await expect(refreshHourly(database.db, { now: NOW + 3 * H, log, waitMs: 300 })).rejects.toMatchObject({ code: 'hourly_rollup_wait_timeout' });
        expect(await readWatermark(database.db)).toBe(P1 + 3 * H);
        await other.query('COMMIT');
        expect(await refreshHourly(database.db, { now: NOW + 3 * H, log })).toMatchObject({ watermark: P1 + 4 * H, advancedHours: 1 });
        const last = await gaugeBuckets(database.db, ids.power, rangeOf('UTC', '1h', '2025-10-29T03:00:00Z', '2025-10-29T04:00:00Z'), 'max');
        expect(last).toEqual([{ ts: P1 + 3 * H, value: 4242, count: 1 }]);
      } finally {
        await other.end();
      }
    });
  }
});
