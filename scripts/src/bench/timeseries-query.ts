import { alignRange, autoBucket, counterBuckets, gaugeBuckets, maintainPartitions, openDatabase, refreshHourly, weekPartition, type Database, type Db, type ReadSource } from '@solarhub/cloud';
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
 *
 * Then the hourly pre-aggregate (measurements_hourly) is built on the
 * partitioned side by the cloud's own roll-up job, and the month view and
 * the site month roll-ups (Asia/Karachi, whole hours; Asia/Kolkata, +05:30:
 * the hour holding local midnight stays raw) are timed through it, against
 * the raw path on the same partitioned table as the baseline.
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

/** The roll-up's tables as migration 0007 makes them (without its late-reading trigger: nothing arrives late here). */
const HOURLY_TABLES = `
  CREATE TABLE part.measurements_hourly (series_id bigint NOT NULL, hour timestamptz NOT NULL, count integer NOT NULL,
    sum double precision NOT NULL, min double precision NOT NULL, max double precision NOT NULL,
    first_ts timestamptz NOT NULL, first_value double precision NOT NULL, last_ts timestamptz NOT NULL,
    last_value double precision NOT NULL, increase double precision NOT NULL, PRIMARY KEY (series_id, hour));
  CREATE TABLE part.measurements_hourly_state (id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1), watermark timestamptz, marked_before timestamptz);
  INSERT INTO part.measurements_hourly_state (id) VALUES (1);
  CREATE TABLE part.measurements_hourly_dirty (series_id bigint NOT NULL, hour timestamptz NOT NULL, marks integer NOT NULL DEFAULT 1,
    PRIMARY KEY (series_id, hour));`;

const COLUMNS = `series_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL,
  quality smallint DEFAULT 0 NOT NULL, gateway_id uuid NOT NULL, seq bigint NOT NULL`;

/** Rows of minutes [m0, m1) for series 1..n, in time order as gateways send them. Counter: metric 0 of each device. */
const generate = (table: string, n: number, m0: number, m1: number) => `
  INSERT INTO ${table} (series_id, ts, value, quality, gateway_id, seq)
  SELECT s, timestamptz '${new Date(START).toISOString()}' + m * interval '1 minute',
         CASE WHEN s % ${METRICS} = 1 THEN m * 12.5 + s ELSE ((s * 7919 + m * 31) % 5000) / 5.0 END,
         0, '${GATEWAY}', m::bigint * ${n} + s
  FROM generate_series(${m0}, ${m1 - 1}) AS m, generate_series(1, ${n}) AS s`;

async function load(admin: pg.Client, devices: number): Promise<{ rows: number; generationS: number }> {
  const n = devices * METRICS;
  const t0 = performance.now();
  for (let day = 0; day < DAYS; day++) await admin.query(generate('part.measurements', n, day * 1440, (day + 1) * 1440));
  const generationS = (performance.now() - t0) / 1000;
  say(`generated ${n * MINUTES} rows into the partitioned table in ${generationS.toFixed(1)} s`);
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
  return { rows: n * MINUTES, generationS };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const timeseriesQueryBench: Bench = {
  name: 'timeseries',
  description: 'downsampled day/week/month reads and a site roll-up: weekly partitions vs a plain indexed table, same rows; then through the hourly pre-aggregate vs raw rows',
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
        CREATE TABLE plain.measurements (${COLUMNS});
        ${HOURLY_TABLES}`);
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
      const { rows, generationS } = await load(admin, devices);
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
            const points = await gaugeBuckets(db, seriesId, range, 'avg', { source: 'raw' });
            if (run > 0) times[key].push(performance.now() - t); // run 0 warms up
            if (points.length === 0) throw new Error(`no points for series ${seriesId}`);
          }
        }
        emit(figure(`timeseries.${view}-view.${label}`, median(times.part), 'ms (partitioned; baseline: plain table)', median(times.plain)));
      }
      // Site roll-up: the energy counters of one site's 10 devices over a month, in daily buckets.
      const siteIds = (run: number) => {
        const site = run % (devices / DEVICES_PER_SITE);
        return Array.from({ length: DEVICES_PER_SITE }, (_, i) => (site * DEVICES_PER_SITE + i) * METRICS + 1);
      };
      const monthIn = (tz: string) => ({ ...alignRange(START + 86_400_000, START + 30 * 86_400_000, '1d', tz), bucket: '1d' as const, tz });
      /** Median ms of a site month roll-up per [label, db, source], the same sites for each. */
      const rollups = async (tz: string, variants: [string, Db, ReadSource][]) => {
        const times = new Map(variants.map(([key]) => [key, [] as number[]]));
        for (let run = 0; run <= ROLLUP_RUNS; run++) {
          for (const [key, db, source] of variants) {
            const t = performance.now();
            const rowsOut = await counterBuckets(db, siteIds(run), monthIn(tz), { source });
            if (run > 0) times.get(key)!.push(performance.now() - t);
            if (rowsOut.length === 0) throw new Error('empty roll-up');
          }
        }
        return (key: string) => median(times.get(key)!);
      };
      const raw = await rollups('Asia/Karachi', [['part', part, 'raw'], ['plain', plain, 'raw']]);
      emit(figure(`timeseries.site-rollup-month.${label}`, raw('part'), 'ms (partitioned; baseline: plain table)', raw('plain')));

      // The hourly pre-aggregate, built by the cloud's roll-up job as it would catch up on a database with a month in it.
      const tBuild = performance.now();
      for (let more = true; more; ) more = (await refreshHourly(part, { now: START + 31 * 86_400_000, log, maxHours: 24 * 40 })).more;
      const buildS = (performance.now() - tBuild) / 1000;
      const hourlyRows = await admin.query('SELECT count(*)::int AS n FROM part.measurements_hourly');
      await admin.query('VACUUM ANALYZE part.measurements_hourly');
      say(`built ${hourlyRows.rows[0].n} hourly rows in ${buildS.toFixed(1)} s`);
      emit(figure(`timeseries.hourly-rollup-build.${label}`, buildS, 's (aggregate 30 days; baseline: generating them)', generationS));
      for (const tz of ['Asia/Karachi', 'Asia/Kolkata']) {
        const hourly = await rollups(tz, [['hourly', part, 'auto'], ['raw', part, 'raw']]);
        const name = tz === 'Asia/Karachi' ? 'site-rollup-month-hourly' : 'site-rollup-month-hourly-kolkata';
        emit(figure(`timeseries.${name}.${label}`, hourly('hourly'), `ms (${tz}, hourly aggregate; baseline: raw rows, same table)`, hourly('raw')));
      }
      const monthTimes = { hourly: [] as number[], raw: [] as number[] };
      for (let run = 0; run <= RUNS; run++) {
        const seriesId = 2 + ((run * 7 * METRICS + 3) % (nSeries - 2));
        const range = { ...alignRange(START, START + 30 * 86_400_000, '1h', 'UTC'), bucket: '1h' as const, tz: 'UTC' };
        for (const source of ['hourly', 'raw'] as const) {
          const t = performance.now();
          const points = await gaugeBuckets(part, seriesId, range, 'avg', { source: source === 'hourly' ? 'auto' : 'raw' });
          if (run > 0) monthTimes[source].push(performance.now() - t);
          if (points.length === 0) throw new Error(`no points for series ${seriesId}`);
        }
      }
      emit(figure(`timeseries.month-view-hourly.${label}`, median(monthTimes.hourly), 'ms (1h buckets from the hourly aggregate; baseline: raw rows, same table)', median(monthTimes.raw)));
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
