import type { Logger } from 'pino';
import type { Database, Db } from '../storage/database.js';
import { runExclusive } from '../storage/exclusive.js';
import { compactIngestRanges } from '../ingest/range-compaction.js';
import { refreshHourly } from './hourly-refresh.js';
import { maintainPartitions } from './partitions.js';
import { enforceRetention } from './retention.js';

export interface TimeseriesJobsOptions {
  database: Database;
  log: Logger;
  /** Time between maintenance runs (retention, partitions), ms (default: one hour). The first run starts at once. */
  intervalMs?: number;
  /** Time between hourly roll-up runs, ms (default: 5 minutes): late readings reach 1h/1d reads within it. */
  rollupIntervalMs?: number;
  /** Weeks of partitions kept ready ahead (default 4). */
  aheadWeeks?: number;
}

export interface TimeseriesJobs {
  /** One maintenance run now (retention, partitions, ingest ranges, roll-up), unless another replica is running a job; errors are logged, not thrown. */
  runOnce(): Promise<void>;
  /** One roll-up run now (refreshHourly), on the same terms. */
  rollupOnce(): Promise<void>;
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/** One lock for both: the roll-up never reads hours that retention is deleting. */
const JOB = 'timeseries-maintenance';

/**
 * Partition maintenance, retention and the hourly roll-up on timers, once
 * across replicas (an advisory lock: a replica finding it taken skips that
 * run). Runs never overlap within a process either.
 */
export function startTimeseriesJobs(options: TimeseriesJobsOptions): TimeseriesJobs {
  const log = options.log.child({ component: 'timeseries-jobs' });
  // One run at a time in this process; a job asked for again while it waits in line is asked once.
  let tail: Promise<void> = Promise.resolve();
  const waiting = new Map<string, Promise<void>>();
  const schedule = (name: string, work: (db: Db) => Promise<unknown>) => (): Promise<void> => {
    const queued = waiting.get(name);
    if (queued) return queued;
    const run = tail.then(async () => {
      waiting.delete(name);
      try {
        const outcome = await runExclusive(options.database, JOB, work);
        if (!outcome.ran) log.debug({ job: name }, 'another replica is running a time-series job');
      } catch (err) {
        log.error({ err, job: name }, 'time-series job failed; retrying at the next run');
      }
    });
    waiting.set(name, run);
    tail = run;
    return run;
  };
  const rollupOnce = schedule('hourly-rollup', (db) => refreshHourly(db, { log }));
  const runOnce = schedule('maintenance', async (db) => {
    const retention = await enforceRetention(db, { log });
    // Rows past every retention wait in the default partition for deletion, not for a partition of their own.
    await maintainPartitions(db, { aheadWeeks: options.aheadWeeks ?? 4, adoptFrom: retention.dropBefore, log });
    // Ingest writes a range per batch; one per unbroken run keeps the lookups short.
    await compactIngestRanges(db, { log });
    return refreshHourly(db, { log });
  });
  const timers = [
    setInterval(() => void runOnce(), options.intervalMs ?? 3_600_000),
    setInterval(() => void rollupOnce(), options.rollupIntervalMs ?? 300_000),
  ];
  for (const t of timers) t.unref();
  void runOnce();
  return {
    runOnce,
    rollupOnce,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      await tail;
    },
  };
}
