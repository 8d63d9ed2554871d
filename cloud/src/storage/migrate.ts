import { fileURLToPath } from 'node:url';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Logger } from 'pino';
import type { Database, Schema } from './database.js';
import { runLocked } from './exclusive.js';

/** cloud/drizzle, from src/storage/ (tests) and dist/storage/ (production) alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Applies the drizzle-kit migrations not yet applied, with the migrator of the database's driver. */
export async function runMigrations(database: Database, log: Logger): Promise<void> {
  const started = Date.now();
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  // Two instances starting at once: the second waits here, then finds nothing left to apply.
  await runLocked(database, 'migrations', async () => {
    if (database.kind === 'postgres') {
      await migrateNodePg(database.db as unknown as NodePgDatabase<Schema>, config);
    } else {
      await migratePglite(database.db as unknown as PgliteDatabase<Schema>, config);
    }
  });
  log.child({ component: 'migrate' }).info({ ms: Date.now() - started, kind: database.kind }, 'migrations applied');
}
