import { sql } from 'drizzle-orm';
import type { Database, Db } from './database.js';
import { queryRows } from './rows.js';

/** The advisory lock key of a name: one 64-bit key space for jobs and migrations. */
export const lockKey = (name: string) => sql`hashtextextended(${`solarhub:${name}`}, 0)`;

export type ExclusiveResult<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs a scheduled job on at most one replica at a time: takes a
 * session-level `pg_try_advisory_lock` on a held connection, runs `fn`, then
 * unlocks. When another replica holds the lock it returns `{ ran: false }` at
 * once (no waiting). A replica that dies loses its connection and so its lock.
 */
export function runExclusive<T>(database: Database, jobName: string, fn: (db: Db) => Promise<T>): Promise<ExclusiveResult<T>> {
  return database.withSession(async (session) => {
    const [row] = await queryRows<{ locked: boolean }>(session, sql`SELECT pg_try_advisory_lock(${lockKey(`job:${jobName}`)}) AS locked`);
    if (!row?.locked) return { ran: false };
    try {
      return { ran: true, result: await fn(session) };
    } finally {
      await session.execute(sql`SELECT pg_advisory_unlock(${lockKey(`job:${jobName}`)})`);
    }
  });
}

/** Like runExclusive, but waits for the lock (migrations: the second instance waits, then finds nothing to do). */
export function runLocked<T>(database: Database, name: string, fn: () => Promise<T>): Promise<T> {
  return database.withSession(async (session) => {
    await session.execute(sql`SELECT pg_advisory_lock(${lockKey(name)})`);
    try {
      return await fn();
    } finally {
      await session.execute(sql`SELECT pg_advisory_unlock(${lockKey(name)})`);
    }
  });
}
