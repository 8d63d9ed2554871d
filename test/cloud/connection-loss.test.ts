/**
 * PostgreSQL restarting under a busy cloud: a connection lost while a client
 * is checked out (a transaction, a locked session) must fail that query, not
 * kill the process with an unhandled 'error' event; afterwards the pool
 * serves queries again. Needs its own cluster (it stops the server).
 */
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../cloud/src/index.js';
import { findPostgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/src/testing/postgres.js';

const binaries = findPostgresBinaries();

describe.runIf(binaries || process.env.CI)('losing the PostgreSQL connection', () => {
  let cluster: ThrowawayPostgres;
  let database: Database;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres(binaries);
    database = await openDatabase({ url: cluster.url, log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await database?.close();
    await cluster?.stop();
  });

  it('fails the query in flight and recovers after the server is back', async () => {
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const inSession = database.withSession(async (session) => {
        await session.execute(sql`select 1`);
        await cluster.halt();
        // Let the server's goodbye reach the idle, checked-out client first.
        await new Promise((r) => setTimeout(r, 300));
        await session.execute(sql`select 1`);
      });
      await expect(inSession).rejects.toThrow();
      // An idle pooled connection died with the server too.
      await cluster.resume();
      let ok = false;
      for (let i = 0; i < 20 && !ok; i++) {
        try {
          await database.db.execute(sql`select 1`);
          ok = true;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(ok).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
