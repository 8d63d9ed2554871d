import { existsSync, renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite.js';
import type { Logger } from 'pino';
import { isCorruption, sqliteCode } from './errors.js';

/** What could still be read from a corrupt buffer file before it was set aside. */
export interface Salvage {
  maxSeq: number | null;
  count: number | null;
  minSeq: number | null;
  minTs: number | null;
  maxTs: number | null;
}

export interface Quarantine {
  /** Where the bad file now is. */
  movedTo: string;
  problem: string;
  salvage: Salvage;
}

export interface CheckedDatabase {
  db: Database.Database;
  quarantined: Quarantine | null;
}

class QuickCheckFailed extends Error {
  readonly code = 'SQLITE_CORRUPT_QUICK_CHECK';
}

/** Opens and runs PRAGMA quick_check; throws on corruption (and closes what it opened). */
function openAndCheck(file: string): Database.Database {
  const db = openSqlite(file);
  try {
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new QuickCheckFailed(`quick_check: ${String(result).slice(0, 300)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function tryGet<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

function salvage(file: string): Salvage {
  const none: Salvage = { maxSeq: null, count: null, minSeq: null, minTs: null, maxTs: null };
  const db = tryGet(() => openSqlite(file, { readonly: true, fileMustExist: true }));
  if (!db) return none;
  try {
    const seq = tryGet(() => db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined);
    const agg = tryGet(
      () =>
        db.prepare('SELECT count(*) AS count, min(seq) AS minSeq, min(ts) AS minTs, max(ts) AS maxTs FROM readings').get() as {
          count: number;
          minSeq: number | null;
          minTs: number | null;
          maxTs: number | null;
        },
    );
    return { maxSeq: seq?.seq ?? null, count: agg?.count ?? null, minSeq: agg?.minSeq ?? null, minTs: agg?.minTs ?? null, maxTs: agg?.maxTs ?? null };
  } finally {
    db.close();
  }
}

/** Renames the file and its -wal/-shm companions so that SQLite still pairs them. */
function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

/**
 * Opens the buffer file, checking it first. A corrupt file (unreadable
 * header, failed quick_check) is renamed to `<file>.corrupt-<time>` and a
 * fresh file is started, so a damaged SD card costs the unsent readings, not
 * a crash loop. What could be read of the bad file is returned for the gap report.
 */
export function openCheckedDatabase(file: string, log: Logger, now: () => number = Date.now): CheckedDatabase {
  try {
    return { db: openAndCheck(file), quarantined: null };
  } catch (err) {
    if (!(err instanceof QuickCheckFailed) && !isCorruption(err)) throw err;
    const problem = `${sqliteCode(err) ?? 'corrupt'}: ${(err as Error).message}`;
    const movedTo = moveAside(file, now());
    const salvaged = salvage(movedTo);
    log.error(
      { file, movedTo, problem, salvaged },
      'buffer file is corrupt: it was moved aside and a fresh buffer started; its unsent readings are reported to the cloud as a gap',
    );
    return { db: openAndCheck(file), quarantined: { movedTo, problem, salvage: salvaged } };
  }
}
