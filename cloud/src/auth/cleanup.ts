import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Db } from '../storage/database.js';
import { runExclusive } from '../storage/exclusive.js';
import { queryRows } from '../storage/rows.js';
import { agoMs } from './last-use.js';

export interface AuthCleanupOptions {
  /**
   * Also delete sessions unused this long (the app's sessionIdleTimeoutMs).
   * Without it only sessions past their absolute lifetime go; idle ones are
   * refused at lookup anyway and go when their lifetime ends.
   */
  sessionIdleTimeoutMs?: number | undefined;
}

/** Deletes expired or idle sessions, spent or expired reset tokens and stale rate-limit windows (older than a day). */
export async function cleanupAuth(db: Db, options: AuthCleanupOptions = {}): Promise<{ sessions: number; resetTokens: number; rateLimits: number }> {
  const n = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db, query))[0]?.n ?? 0;
  const idle = options.sessionIdleTimeoutMs === undefined ? sql`` : sql` OR last_seen_at < ${agoMs(options.sessionIdleTimeoutMs)}`;
  return {
    sessions: Number(await n(sql`WITH d AS (DELETE FROM sessions WHERE expires_at < now()${idle} RETURNING 1) SELECT count(*)::int AS n FROM d`)),
    resetTokens: Number(
      await n(sql`WITH d AS (DELETE FROM password_reset_tokens WHERE coalesce(used_at, expires_at) < now() - interval '1 day' RETURNING 1) SELECT count(*)::int AS n FROM d`),
    ),
    rateLimits: Number(await n(sql`WITH d AS (DELETE FROM rate_limits WHERE window_start < now() - interval '1 day' RETURNING 1) SELECT count(*)::int AS n FROM d`)),
  };
}

/**
 * Runs cleanupAuth every `intervalMs` (default 15 min) on one replica at a
 * time; returns a stop function. Pass the app's sessionIdleTimeoutMs so that
 * idle sessions are removed too.
 */
export function startAuthCleanup(
  database: Database,
  log: Logger,
  options: AuthCleanupOptions & { intervalMs?: number } = {},
): () => Promise<void> {
  const jobLog = log.child({ component: 'auth-cleanup' });
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  let running: Promise<void> | null = null;
  const run = () =>
    (running ??= runExclusive(database, 'auth-cleanup', (db) => cleanupAuth(db, options))
      .then((outcome) => {
        if (outcome.ran) jobLog.debug(outcome.result, 'expired credentials removed');
      })
      .catch((err: unknown) => jobLog.error({ err }, 'auth cleanup failed; retrying at the next run'))
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
