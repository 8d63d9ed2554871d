import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The SQLite binding for the running Node. better-sqlite3 12 is the last that
 * runs on Node 20 (13 crashes there), but 12 aborts Node 24.19+ when the GC
 * finalizes a statement ("Assertion failed: (env) != nullptr" in
 * RemoveEnvironmentCleanupHook: its raw ObjectWrap meets Node 24's cleanup
 * hooks). 13 is built on Node-API and ships prebuilt binaries, so Node 22+
 * loads 13 (installed as "better-sqlite3-napi") and Node 20 loads 12. Where 13
 * has no prebuilt binary for the machine (e.g. 32-bit ARM), 12, compiled at
 * install, is the fallback. Same API either way.
 */
type DatabaseConstructor = typeof BetterSqlite3;

const require = createRequire(import.meta.url);

function loadBinding(nodeMajor: number): { Database: DatabaseConstructor; binding: string } {
  if (nodeMajor >= 22) {
    try {
      const Database = require('better-sqlite3-napi') as DatabaseConstructor;
      new Database(':memory:').close();
      return { Database, binding: 'better-sqlite3 13 (Node-API)' };
    } catch {
      // No prebuilt binary for this platform: fall back to the compiled 12.
    }
  }
  return { Database: require('better-sqlite3') as DatabaseConstructor, binding: 'better-sqlite3 12' };
}

let loaded: ReturnType<typeof loadBinding> | undefined;

function binding(): ReturnType<typeof loadBinding> {
  loaded ??= loadBinding(Number(process.versions.node.split('.')[0]));
  return loaded;
}

/** Opens a SQLite database file with the binding that suits this Node. */
export function openSqlite(file: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  const { Database } = binding();
  return new Database(file, options);
}

/** Which binding is in use, for logs and diagnostics. */
export function sqliteBinding(): string {
  return binding().binding;
}
