import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { runExclusive } from '../storage/exclusive.js';
import { maintainPartitions } from './partitions.js';
import { enforceRetention } from './retention.js';

export interface TimeseriesJobsOptions {
  database: Database;
  log: Logger;
  /** Time between runs, ms (default: one hour). The first run starts at once. */
  intervalMs?: number;
  /** Weeks of partitions kept ready ahead (default 4). */
  aheadWeeks?: number;
}

export interface TimeseriesJobs {
  /** One run now (retention, then partitions), unless another replica is running it; errors are logged, not thrown. */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

const JOB = 'timeseries-maintenance';

/**
 * Partition maintenance and retention on a timer, once across replicas
 * (an advisory lock: a replica finding it taken skips that run).
 */
export function startTimeseriesJobs(options: TimeseriesJobsOptions): TimeseriesJobs {
  const log = options.log.child({ component: 'timeseries-jobs' });
  let running: Promise<void> | null = null;
  const runOnce = (): Promise<void> => {
    running ??= (async () => {
      try {
        const outcome = await runExclusive(options.database, JOB, async (db) => {
          const retention = await enforceRetention(db, { log });
          // Rows past every retention wait in the default partition for deletion, not for a partition of their own.
          return maintainPartitions(db, { aheadWeeks: options.aheadWeeks ?? 4, adoptFrom: retention.dropBefore, log });
        });
        if (!outcome.ran) log.debug('another replica is running the job');
      } catch (err) {
        log.error({ err }, 'time-series maintenance failed; retrying at the next run');
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), options.intervalMs ?? 3_600_000);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
