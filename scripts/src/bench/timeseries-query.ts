import { alignRange, autoBucket, counterBuckets, gaugeBuckets, maintainPartitions, openDatabase, weekPartition, type Database } from '@solarhub/cloud';
import pg from 'pg';
import { pino } from 'pino';
import { startThrowawayPostgres } from '../testing/postgres.js';
import { figure, type Bench } from './figure.js';

/**
 * Query time of downsampled reads on the weekly-partitioned `measurements`
 * against the same rows in a plain table with the same indexes, in one
 * throwaway cluster (schemas "part" and "plain", chosen per connection by
 * search_path, so the cloud's own query functions run unchanged on both).
 *
 * Target: 100 devices x 20 metrics x 30 days at 1-minute resolution (86.4 M
 * rows). The run first times the generation of one day and scales the number
 * of devices down to fit SOLARHUB_BENCH_TS_BUDGET_S (default 100 s of
 * loading); the figure names carry the row count actually used. Both tables
 * get the read index (series_id, ts) INCLUDE (value) but not the primary key
 * (gateway_id, seq, ts): no read uses it, and building it twice costs a minute.
 */
const METRICS = 20;
const DAYS = 30;
const MINUTES = DAYS * 1440;
const START = Date.UTC(2025, 5, 2); // a Monday: 30 days span five weekly partitions
const DEVICES_PER_SITE = 10;
const RUNS = 15;
const ROLLUP_RUNS = 5;
const GATEWAY = '00000000-0000-4000-8000-000000000001';

const weekName = (ms: number) => weekPartition(ms).name;
const say = (msg: string) => process.stderr.write(`  ${msg}\n`);

const COLUMNS = `series_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL,
  quality smallint DEFAULT 0 NOT NULL, gateway_id uuid NOT NULL, seq bigint NOT NULL`;

/** Rows of minutes [m0, m1) for series 1..n, in time order as gateways send them. Counter: metric 0 of each device. */
const generate = (table: string, n: number, m0: number, m1: number) => `
  INSERT INTO ${table} (series_id, ts, value, quality, gateway_id, seq)
  SELECT s, timestamptz '${new Date(START).toISOString()}' + m * interval '1 minute',
         CASE WHEN s % ${METRICS} = 1 THEN m * 12.5 + s ELSE ((s * 7919 + m * 31) % 5000) / 5.0 END,
         0, '${GATEWAY}', m::bigint * ${n} + s
  FROM generate_series(${m0}, ${m1 - 1}) AS m, generate_series(1, ${n}) AS s`;

async function load(admin: pg.Client, devices: number): Promise<number> {
  const n = devices * METRICS;
  const t0 = performance.now();
  for (let day = 0; day < DAYS; day++) await admin.query(generate('part.measurements', n, day * 1440, (day + 1) * 1440));
  say(`generated ${n * MINUTES} rows into the partitioned table in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  await admin.query('INSERT INTO plain.measurements SELECT * FROM part.measurements');
  say(`copied them to the plain table in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const t2 = performance.now();
  for (const schema of ['part', 'plain']) {
    await admin.query(`CREATE INDEX ${schema}_measurements_series_ts_idx ON ${schema}.measurements (series_id, ts) INCLUDE (value)`);
    // As autovacuum would after the inserts: sets the visibility map (index-only scans) and the statistics.
    await admin.query(`VACUUM ANALYZE ${schema}.measurements`);
  }
  say(`indexed and vacuumed both in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  return n * MINUTES;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const timeseriesQueryBench: Bench = {
  name: 'timeseries',
  description: 'downsampled day/week/month reads and a site roll-up: weekly partitions vs a plain indexed table, same rows',
  async run(emit) {
    const budgetS = Number(process.env.SOLARHUB_BENCH_TS_BUDGET_S ?? 100);
    const cluster = await startThrowawayPostgres();
    const admin = new pg.Client({ connectionString: cluster.url });
    const log = pino({ level: 'silent' });
    const dbs: Database[] = [];
    try {
      await admin.connect();
      await admin.query('SET maintenance_work_mem = \'512MB\'');
      await admin.query(`CREATE SCHEMA part; CREATE SCHEMA plain;
        CREATE TABLE part.measurements (${COLUMNS}) PARTITION BY RANGE (ts);
        CREATE TABLE part.measurements_default PARTITION OF part.measurements DEFAULT;
        CREATE TABLE plain.measurements (${COLUMNS});`);
      const open = async (schema: string) => {
        const url = new URL(cluster.url);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const database = await openDatabase({ url: url.toString(), log, poolSize: 1 });
        dbs.push(database);
        return database.db;
      };
      const part = await open('part');
      const plain = await open('plain');
      // The cloud's maintenance creates the weekly partitions, as in production.
      await maintainPartitions(part, { now: START + 7 * 86_400_000, aheadWeeks: 4, log });
      const weeks = await admin.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'part.measurements'::regclass`);
      say(`${weeks.rows[0].n} partitions (weekly ones and the default)`);

      // Probe: one day of all 100 devices, to size the run honestly.
      const probe = performance.now();
      await admin.query(generate('plain.measurements', 100 * METRICS, 0, 1440));
      const perRowS = (performance.now() - probe) / 1000 / (100 * METRICS * 1440);
      await admin.query('TRUNCATE plain.measurements');
      // Loading costs about 4x the generation (copy, two indexes per table, vacuum).
      const devices = Math.max(DEVICES_PER_SITE, Math.min(100, Math.floor(budgetS / (perRowS * 4 * METRICS * MINUTES) / DEVICES_PER_SITE) * DEVICES_PER_SITE));
      say(`generation runs at ${Math.round(1 / perRowS)} rows/s: using ${devices} devices (100 wanted) within ~${budgetS} s of loading`);
      const rows = await load(admin, devices);
      const label = `${(rows / 1e6).toFixed(1)}M rows`;

      const nSeries = devices * METRICS;
      const views = [
        ['day', 1],
        ['week', 7],
        ['month', 30],
      ] as const;
      for (const [view, days] of views) {
        const times = { part: [] as number[], plain: [] as number[] };
        for (let run = 0; run <= RUNS; run++) {
          // A different gauge each run (never metric 0, the counter), the same for both tables.
          const seriesId = 2 + ((run * 7 * METRICS + 3) % (nSeries - 2));
          const from = START + (30 - days) * 86_400_000 * ((run % 2) / 2);
          const to = from + days * 86_400_000;
          const bucket = autoBucket(from, to);
          const range = { ...alignRange(from, to, bucket, 'UTC'), bucket, tz: 'UTC' };
          for (const [key, db] of [['part', part], ['plain', plain]] as const) {
            const t = performance.now();
            const points = await gaugeBuckets(db, seriesId, range, 'avg');
            if (run > 0) times[key].push(performance.now() - t); // run 0 warms up
            if (points.length === 0) throw new Error(`no points for series ${seriesId}`);
          }
        }
        emit(figure(`timeseries.${view}-view.${label}`, median(times.part), 'ms (partitioned; baseline: plain table)', median(times.plain)));
      }
      // Site roll-up: the energy counters of one site's 10 devices over a month, in daily buckets.
      const times = { part: [] as number[], plain: [] as number[] };
      for (let run = 0; run <= ROLLUP_RUNS; run++) {
        const site = run % (devices / DEVICES_PER_SITE);
        const ids = Array.from({ length: DEVICES_PER_SITE }, (_, i) => (site * DEVICES_PER_SITE + i) * METRICS + 1);
        const range = { ...alignRange(START + 86_400_000, START + 30 * 86_400_000, '1d', 'Asia/Karachi'), bucket: '1d' as const, tz: 'Asia/Karachi' };
        for (const [key, db] of [['part', part], ['plain', plain]] as const) {
          const t = performance.now();
          const rowsOut = await counterBuckets(db, ids, range);
          if (run > 0) times[key].push(performance.now() - t);
          if (rowsOut.length === 0) throw new Error('empty roll-up');
        }
      }
      emit(figure(`timeseries.site-rollup-month.${label}`, median(times.part), 'ms (partitioned; baseline: plain table)', median(times.plain)));
      // Retention: the oldest week goes as one partition, against a DELETE of the same rows from the plain table.
      const week = START + 7 * 86_400_000;
      const tDrop = performance.now();
      await admin.query(`ALTER TABLE part.measurements DETACH PARTITION part.${weekName(START)}; DROP TABLE part.${weekName(START)}`);
      const dropMs = performance.now() - tDrop;
      const tDelete = performance.now();
      await admin.query(`DELETE FROM plain.measurements WHERE ts < '${new Date(week).toISOString()}'`);
      const deleteMs = performance.now() - tDelete;
      emit(figure(`timeseries.expire-oldest-week.${label}`, dropMs, 'ms (drop partition; baseline: DELETE from plain table)', deleteMs));
    } finally {
      for (const d of dbs) await d.close();
      await admin.end().catch(() => undefined);
      await cluster.stop();
    }
  },
};
