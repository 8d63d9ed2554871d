import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';

/**
 * Merges each gateway's touching acknowledged ranges into one (ingest writes
 * one range per batch and never merges: merging would make side-by-side
 * batches wait on each other). Only committed ranges take part; a claim in
 * flight is invisible here and disjoint from every range anyway, so the
 * merged range (exactly the union of the rows it replaces) overlaps nothing.
 * Returns how many rows were merged away. Run by maintenance, once across
 * replicas.
 */
export async function compactIngestRanges(db: DbOrTx, options: { log: Logger; maxGroups?: number }): Promise<number> {
  const maxGroups = options.maxGroups ?? 10_000;
  return db.transaction(async (tx) => {
    // Islands of touching ranges per gateway (gaps-and-islands), those of more than one row.
    const groups = await queryRows<{ gateway_id: string; first_seq: string | number; last_seq: string | number; n: string | number }>(
      tx,
      sql`WITH ordered AS (
            SELECT gateway_id, first_seq, last_seq,
                   CASE WHEN first_seq <= lag(last_seq) OVER w + 1 THEN 0 ELSE 1 END AS starts
            FROM ingest_ranges WINDOW w AS (PARTITION BY gateway_id ORDER BY first_seq)
          ), islands AS (
            SELECT gateway_id, first_seq, last_seq, sum(starts) OVER (PARTITION BY gateway_id ORDER BY first_seq) AS island FROM ordered
          )
          SELECT gateway_id, min(first_seq) AS first_seq, max(last_seq) AS last_seq, count(*) AS n
          FROM islands GROUP BY gateway_id, island HAVING count(*) > 1
          LIMIT ${maxGroups}`,
    );
    if (groups.length === 0) return 0;
    const gateways = groups.map((g) => g.gateway_id);
    const firsts = groups.map((g) => Number(g.first_seq));
    const lasts = groups.map((g) => Number(g.last_seq));
    await tx.execute(sql`
      DELETE FROM ingest_ranges r
      USING unnest(${sql.param(gateways)}::uuid[], ${sql.param(firsts)}::bigint[], ${sql.param(lasts)}::bigint[]) AS m(gateway_id, f, l)
      WHERE r.gateway_id = m.gateway_id AND r.first_seq BETWEEN m.f AND m.l`);
    await tx.execute(sql`
      INSERT INTO ingest_ranges (gateway_id, first_seq, last_seq)
      SELECT * FROM unnest(${sql.param(gateways)}::uuid[], ${sql.param(firsts)}::bigint[], ${sql.param(lasts)}::bigint[])`);
    const merged = groups.reduce((sum, g) => sum + Number(g.n), 0) - groups.length;
    options.log.debug({ groups: groups.length, merged }, 'ingest ranges compacted');
    return merged;
  });
}
