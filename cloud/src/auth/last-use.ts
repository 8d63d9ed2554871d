import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../storage/database.js';

/**
 * Last use of credentials (api_tokens.last_used_at, sessions.last_seen_at),
 * without a write per request: the lookup that authenticates also says
 * whether the stamp is over a minute old (`useIsStale`), and only then is one
 * guarded UPDATE sent. The guard repeats the test in the statement itself, so
 * replicas (or concurrent requests) racing on one credential write it once:
 * the loser re-checks the committed row and matches nothing.
 */
export const LAST_USE_RESOLUTION = sql`interval '1 minute'`;

/** SQL boolean: the stamp is missing or older than the resolution (by the database's clock). */
export function useIsStale(column: SQL): SQL {
  return sql`(${column} IS NULL OR ${column} < now() - ${LAST_USE_RESOLUTION})`;
}

/** `now() - ms`, for comparing stamps with a configured duration. */
export function agoMs(ms: number): SQL {
  return sql`(now() - ${ms}::float8 * interval '1 millisecond')`;
}

export function touchApiToken(db: DbOrTx, tokenId: string): Promise<unknown> {
  return db.execute(
    sql`UPDATE api_tokens SET last_used_at = now() WHERE id = ${tokenId}::uuid AND ${useIsStale(sql`last_used_at`)}`,
  );
}

export function touchSession(db: DbOrTx, sessionId: string): Promise<unknown> {
  return db.execute(
    sql`UPDATE sessions SET last_seen_at = now() WHERE id = ${sessionId}::uuid AND ${useIsStale(sql`last_seen_at`)}`,
  );
}

/** What recordUse needs of a logger (pino's and fastify's request.log both fit). */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * Runs a touch and never lets it fail the request: a failure is logged and
 * the request goes on. Awaited rather than left floating: it runs at most once
 * a minute per credential (one single-row UPDATE), keeps the order of
 * statements on PGlite's one connection, and leaves nothing running at shutdown.
 */
export async function recordUse(log: WarnLog, context: Record<string, string>, touch: () => Promise<unknown>): Promise<void> {
  try {
    await touch();
  } catch (err) {
    log.warn({ ...context, err }, 'recording the last use of a credential failed; the request goes on');
  }
}
