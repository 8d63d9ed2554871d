import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './database.js';

/**
 * Runs raw SQL and returns its rows. Both drivers answer `execute()` with an
 * object carrying `rows` (node-postgres QueryResult, PGlite Results). Raw
 * results are not type-mapped: select timestamps as epoch milliseconds
 * (`epochMs()`) and pass bigint through `Number()`.
 */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
