import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import * as schema from './schema/index.js';

export type Schema = typeof schema;

/** The driver-agnostic database handle the rest of the cloud uses. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction on `Db`: accepted wherever `Db` is, so helpers work inside and outside transactions. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /**
   * Runs `fn` on ONE connection held for its whole duration (session-level
   * state such as advisory locks). PGlite has a single connection anyway.
   */
  withSession<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Ends the pool or closes PGlite; safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL: node-postgres pool. Without it, PGlite (in-process PostgreSQL) at `dataDir`. */
  url?: string | undefined;
  /** PGlite data folder (created if missing); in memory when neither url nor dataDir is given. */
  dataDir?: string | undefined;
  /** node-postgres pool size (default 10). */
  poolSize?: number | undefined;
  log: Logger;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const log = options.log.child({ component: 'database' });
  let closed = false;
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client losing its connection (server restart) must not crash the process.
    pool.on('error', (err) => log.warn({ err }, 'idle postgres connection failed'));
    // A checked-out client (a transaction, a locked session) has no pool
    // listener: without its own, a server restart mid-query is an unhandled
    // 'error' event that kills the process. The query itself still fails and
    // the pool drops the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', (err) => log.warn({ err }, 'postgres connection lost'));
    });
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    const close = async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    };
    try {
      await pool.query('select 1');
    } catch (err) {
      await close();
      throw err;
    }
    log.info({ host: safeHost(options.url) }, 'postgres pool opened');
    const withSession = async <T>(fn: (session: Db) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        return await fn(drizzleNodePg(client, { schema }) as unknown as Db);
      } finally {
        client.release();
      }
    };
    return { db, kind: 'postgres', withSession, close };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // btree_gist: the exclusion constraint on ingest_ranges (migration 0008).
  const extensions = { btree_gist };
  const client = options.dataDir ? new PGlite(options.dataDir, { extensions }) : new PGlite({ extensions });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  log.info({ dataDir: options.dataDir ?? ':memory:' }, 'pglite opened');
  return {
    db,
    kind: 'pglite',
    withSession: (fn) => fn(db),
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** host:port/database of a URL, without credentials, for logs. */
function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'unparseable url';
  }
}
