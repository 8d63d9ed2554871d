import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';

export interface RateLimitRule {
  /** Most hits per window. */
  max: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** Until the window resets. */
  retryAfterMs: number;
}

/**
 * Counts one hit on `key` in a fixed window kept in Postgres (rate_limits), in
 * one atomic upsert: every replica shares the counter, and concurrent hits
 * cannot all slip under the limit.
 */
export async function hitRateLimit(db: DbOrTx, key: string, rule: RateLimitRule): Promise<RateLimitResult> {
  const window = `${rule.windowMs} milliseconds`;
  const [row] = await queryRows<{ count: number; retry_ms: number | string }>(
    db,
    sql`INSERT INTO rate_limits AS r (key, window_start, count) VALUES (${key}, now(), 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN r.window_start <= now() - ${window}::interval THEN 1 ELSE r.count + 1 END,
          window_start = CASE WHEN r.window_start <= now() - ${window}::interval THEN now() ELSE r.window_start END
        RETURNING r.count, (extract(epoch FROM (r.window_start + ${window}::interval - now())) * 1000)::float8 AS retry_ms`,
  );
  const count = Number(row!.count);
  return { allowed: count <= rule.max, count, retryAfterMs: Math.max(0, Math.ceil(Number(row!.retry_ms))) };
}

export async function clearRateLimit(db: DbOrTx, key: string): Promise<void> {
  await db.execute(sql`DELETE FROM rate_limits WHERE key = ${key}`);
}
