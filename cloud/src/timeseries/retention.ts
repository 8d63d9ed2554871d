import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { floorHour } from './hourly-plan.js';
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
  /** True when every matching row is gone, false when the budget ran out first. */
  const deleteInBatches = async (statement: ReturnType<typeof sql>): Promise<boolean> => {
    while (budget > 0) {
      budget--;
      const [row] = await queryRows<{ n: number | string }>(db, statement);
      const n = Number(row?.n ?? 0);
      deletedRows += n;
      if (n < batchSize) return true;
    }
    return false;
  };
  // Whole UTC hours, so that the hourly aggregate goes with exactly the readings it sums.
  const dropBefore = plan.dropBefore === null ? null : floorHour(plan.dropBefore);
  if (dropBefore !== null) {
    for (const p of partitionsBefore(await listPartitions(db), dropBefore)) {
      await db.execute(sql`DROP TABLE IF EXISTS ${sql.identifier(p.name)}`);
      droppedPartitions.push(p.name);
      log.info({ partition: p.name }, 'partition dropped (past every retention)');
    }
    const cutoff = new Date(dropBefore).toISOString();
    const cleared = await deleteInBatches(
      sql`WITH gone AS (
            DELETE FROM ${sql.identifier(DEFAULT_PARTITION)} WHERE ctid = ANY(ARRAY(
              SELECT ctid FROM ${sql.identifier(DEFAULT_PARTITION)} WHERE ts < ${cutoff}::timestamptz LIMIT ${batchSize}))
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    );
    // The aggregate of the hours whose readings are all gone: before the partition that holds the cutoff, if any.
    const holding = (await listPartitions(db)).find((p) => p.from < dropBefore && dropBefore < p.to);
    if (cleared) await deleteHourly(db, sql`TRUE`, holding ? holding.from : dropBefore);
  }
  for (const { organizationId, cutoff: exact } of plan.deleteBefore) {
    const cutoff = floorHour(exact);
    const ofOrganization = sql`series_id IN (
      SELECT s.id FROM series s JOIN devices d ON d.id = s.device_id JOIN sites st ON st.id = d.site_id
      WHERE st.organization_id = ${organizationId}::uuid)`;
    // Partition by partition: through its series index to the rows, then by row address (a TID scan;
    // measurements has no key since migration 0005, and a join on the parent would scan every partition).
    const tables = [...(await listPartitions(db)).filter((p) => p.from < cutoff).map((p) => p.name), DEFAULT_PARTITION];
    let cleared = true;
    for (const table of tables) {
      const t = sql.identifier(table);
      cleared =
        (await deleteInBatches(
          sql`WITH gone AS (
                DELETE FROM ${t} WHERE ctid = ANY(ARRAY(
                  SELECT ctid FROM ${t} WHERE ${ofOrganization} AND ts < ${new Date(cutoff).toISOString()}::timestamptz LIMIT ${batchSize}))
                RETURNING 1)
              SELECT count(*)::int AS n FROM gone`,
        )) && cleared;
    }
    if (cleared) await deleteHourly(db, ofOrganization, cutoff);
  }
  const more = budget === 0;
  if (droppedPartitions.length > 0 || deletedRows > 0) log.info({ droppedPartitions, deletedRows, more }, 'retention enforced');
  return { droppedPartitions, deletedRows, more, dropBefore };
}

/** The hourly aggregate follows the readings: hours before `before` (a whole hour) go once their readings have. */
async function deleteHourly(db: Db, which: SQL, before: number): Promise<void> {
  await db.execute(sql`DELETE FROM measurements_hourly WHERE ${which} AND hour < ${new Date(before).toISOString()}::timestamptz`);
}
