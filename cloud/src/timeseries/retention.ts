import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { listPartitions } from './partitions.js';
import { planRetention, type OrganizationRetention } from './retention-policy.js';
import { DEFAULT_PARTITION, partitionsBefore } from './weeks.js';

export interface RetentionOptions {
  /** The current time, ms (default: Date.now()). */
  now?: number;
  /** Rows one DELETE removes at most (default 10,000). */
  batchSize?: number;
  /** DELETE statements one run issues at most, so a run is bounded; the next run goes on (default 100). */
  maxBatches?: number;
  log: Logger;
}

export interface RetentionResult {
  droppedPartitions: string[];
  deletedRows: number;
  /** True when the batch budget ran out: there may be more expired rows for the next run. */
  more: boolean;
  /** Partitions ending at or before this time (ms) are past every retention; null: none is. */
  dropBefore: number | null;
}

/**
 * Enforces `organizations.measurement_retention_days` (see planRetention):
 * drops whole weekly partitions past the longest retention, deletes rows
 * of organizations with shorter retention in bounded batches, and clears
 * the default partition of rows past the longest retention. Each DELETE
 * commits by itself (no long transaction). Run it once across replicas.
 */
export async function enforceRetention(db: Db, options: RetentionOptions): Promise<RetentionResult> {
  const log = options.log.child({ component: 'retention' });
  const now = options.now ?? Date.now();
  const batchSize = options.batchSize ?? 10_000;
  let budget = options.maxBatches ?? 100;
  const orgs = await queryRows<{ id: string; days: number | null }>(
    db,
    sql`SELECT id, measurement_retention_days AS days FROM organizations`,
  );
  const plan = planRetention(
    orgs.map((o): OrganizationRetention => ({ organizationId: o.id, days: o.days === null ? null : Number(o.days) })),
    now,
  );
  const droppedPartitions: string[] = [];
  let deletedRows = 0;
  const deleteInBatches = async (statement: ReturnType<typeof sql>) => {
    while (budget > 0) {
      budget--;
      const [row] = await queryRows<{ n: number | string }>(db, statement);
      const n = Number(row?.n ?? 0);
      deletedRows += n;
      if (n < batchSize) return;
    }
  };
  if (plan.dropBefore !== null) {
    for (const p of partitionsBefore(await listPartitions(db), plan.dropBefore)) {
      await db.execute(sql`DROP TABLE IF EXISTS ${sql.identifier(p.name)}`);
      droppedPartitions.push(p.name);
      log.info({ partition: p.name }, 'partition dropped (past every retention)');
    }
    const cutoff = new Date(plan.dropBefore).toISOString();
    await deleteInBatches(
      sql`WITH gone AS (
            DELETE FROM ${sql.identifier(DEFAULT_PARTITION)} WHERE ctid IN (
              SELECT ctid FROM ${sql.identifier(DEFAULT_PARTITION)} WHERE ts < ${cutoff}::timestamptz LIMIT ${batchSize})
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    );
  }
  for (const { organizationId, cutoff } of plan.deleteBefore) {
    // Through the series index (series_id, ts) to the rows, then by primary key.
    await deleteInBatches(
      sql`WITH victims AS (
            SELECT m.gateway_id, m.seq, m.ts FROM measurements m
            WHERE m.series_id IN (
                SELECT s.id FROM series s JOIN devices d ON d.id = s.device_id JOIN sites st ON st.id = d.site_id
                WHERE st.organization_id = ${organizationId}::uuid)
              AND m.ts < ${new Date(cutoff).toISOString()}::timestamptz
            LIMIT ${batchSize}
          ), gone AS (
            DELETE FROM measurements m USING victims v
            WHERE m.gateway_id = v.gateway_id AND m.seq = v.seq AND m.ts = v.ts
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    );
  }
  const more = budget === 0;
  if (droppedPartitions.length > 0 || deletedRows > 0) log.info({ droppedPartitions, deletedRows, more }, 'retention enforced');
  return { droppedPartitions, deletedRows, more, dropBefore: plan.dropBefore };
}
