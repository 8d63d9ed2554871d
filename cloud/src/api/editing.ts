import { and, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { HttpError, notFound } from '../http/errors.js';
import { ProvisioningError } from '../provisioning/errors.js';
import type { Tx } from '../storage/database.js';
import { PG, pgError } from '../storage/pg-errors.js';
import type { PageQuery } from './pagination.js';

type EditableTable = PgTable & { id: PgColumn; version: PgColumn; deletedAt?: PgColumn };

const liveOf = (table: EditableTable): SQL | undefined => (table.deletedAt ? isNull(table.deletedAt) : undefined);

/**
 * Optimistic locking: updates the live row `id` only if it still has
 * `version`, bumping it. A stale version is 409 `version_conflict` (the
 * current version in details); a missing row is 404.
 */
export async function updateVersioned<T extends EditableTable>(
  tx: Tx,
  table: T,
  id: string,
  version: number,
  set: Record<string, unknown>,
  noun: string,
): Promise<T['$inferSelect']> {
  const rows = (await tx
    .update(table)
    .set({ ...set, version: sql`${table.version} + 1` } as never)
    .where(and(eq(table.id, id), eq(table.version, version), liveOf(table)))
    .returning()) as T['$inferSelect'][];
  if (rows[0]) return rows[0];
  const [current] = (await tx.select({ version: table.version }).from(table as PgTable).where(and(eq(table.id, id), liveOf(table)))) as {
    version: number;
  }[];
  if (!current) throw notFound(`${noun} not found`);
  throw new HttpError(409, 'version_conflict', `${noun} was changed meanwhile (now version ${current.version}): reload it and apply your change again`, [
    { path: 'body.version', message: `is ${version}, current is ${current.version}` },
  ]);
}

/** The live row `id` (not soft-deleted), or 404. */
export async function findLive<T extends EditableTable>(tx: Tx, table: T, id: string, noun: string): Promise<T['$inferSelect']> {
  const [row] = (await tx.select().from(table as PgTable).where(and(eq(table.id, id), liveOf(table)))) as T['$inferSelect'][];
  if (!row) throw notFound(`${noun} not found`);
  return row;
}

/** Marks a live row deleted (history stays); 404 when there is none. */
export async function softDeleteRow<T extends EditableTable & { deletedAt: PgColumn }>(tx: Tx, table: T, id: string, noun: string): Promise<void> {
  const rows = await tx
    .update(table)
    .set({ deletedAt: sql`now()` } as never)
    .where(and(eq(table.id, id), isNull(table.deletedAt)))
    .returning({ id: table.id });
  if (rows.length === 0) throw notFound(`${noun} not found`);
}

/** One page of a table and the total under the same filter. */
export async function selectPage<T extends PgTable>(
  tx: Tx,
  table: T,
  where: SQL | undefined,
  orderBy: SQL | PgColumn,
  page: PageQuery,
): Promise<{ rows: T['$inferSelect'][]; total: number }> {
  const rows = (await tx
    .select()
    .from(table as PgTable)
    .where(where)
    .orderBy(orderBy)
    .limit(page.limit)
    .offset(page.offset)) as T['$inferSelect'][];
  const [total] = await tx.select({ n: count() }).from(table as PgTable).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

const PROVISIONING_STATUS: Record<ProvisioningError['code'], number> = {
  site_not_found: 404,
  gateway_not_found: 404,
  user_not_found: 404,
  invalid_claim_code: 404,
  invalid_reset_token: 400,
  name_taken: 409,
  user_exists: 409,
};

/** Runs a provisioning step, answering its refusals with their HTTP status. */
export async function provisioning<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err instanceof ProvisioningError) throw new HttpError(PROVISIONING_STATUS[err.code], err.code, err.message, undefined, { cause: err });
    throw err;
  }
}

/** Postgres unique violations (23505) as 409 with a message. */
export async function uniquely<T>(step: Promise<T>, message: string, path: string): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (pgError(err).code === PG.uniqueViolation) throw new HttpError(409, 'conflict', message, [{ path, message }], { cause: err });
    throw err;
  }
}
