import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, ingest, provision, ranges, readings, startCloud, type Cloud } from './harness.js';

/**
 * Two claims that overlap can deadlock: PostgreSQL checks an exclusion
 * constraint after the claim's index entry is in, so each can end up waiting
 * for the other (CI saw this as 500s from concurrent overlapping batches).
 * PostgreSQL aborts one of them; ingest must run that batch again, not
 * answer 500. Here a second session plays the concurrent batch, step by
 * step, so the deadlock happens every time. PostgreSQL only: PGlite has one
 * connection, nothing runs concurrently there.
 */
describe('ingest on postgres when PostgreSQL breaks a deadlock', () => {
  let cloud: Cloud;
  let other: pg.Client;
  beforeAll(async () => {
    cloud = await startCloud('postgres');
    other = new pg.Client({ connectionString: cloud.url! });
    await other.connect();
    // This session waits long before it looks for deadlocks, so the ingest's transaction is the one aborted.
    await other.query(`SET deadlock_timeout = '60s'`);
  });
  afterAll(async () => {
    await other?.end();
    await cloud?.close();
  });

  const claim = (gatewayId: string, first: number, last: number) =>
    other.query('INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq) VALUES ($1, $2, $3)', [gatewayId, first, last]);

  async function untilSomeoneWaits(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      // Of this database only (other test files run in parallel on the same cluster).
      const { rows } = await other.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the ingest never waited for the other claim');
  }

  const deadlocks = async () =>
    Number((await other.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n);

  it('runs the aborted batch again and stores it once', async () => {
    const p = await provision(cloud);
    const before = await deadlocks();
    await other.query('BEGIN');
    // The other batch has claimed 20..30 and not committed: the ingest's claim of 1..40 waits for it.
    await claim(p.gatewayId, 20, 30);
    const sending = ingest(cloud, p.gatewayToken, batch(readings(1, 40)));
    await untilSomeoneWaits();
    // Now the other batch claims 5..6 too, which overlaps the ingest's claim: each waits for the other.
    await claim(p.gatewayId, 5, 6);
    // PostgreSQL aborted the ingest's transaction (so this insert went through); the other batch gives up.
    await other.query('ROLLBACK');
    const sent = await sending;
    // PostgreSQL did break a deadlock (its statistics are sent a moment later).
    for (let i = 0; i < 100 && (await deadlocks()) === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await deadlocks()).toBe(before + 1);
    expect(sent).toEqual({ status: 200, body: { accepted: 40, duplicates: 0, ackedFrom: 1, ackedTo: 40 } });
    expect(await ranges(cloud, p.gatewayId)).toEqual([[1, 40]]);
    const stored = await other.query<{ n: number; seqs: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM measurements WHERE gateway_id = $1',
      [p.gatewayId],
    );
    expect(stored.rows[0]).toEqual({ n: 40, seqs: 40 });
  });
});
