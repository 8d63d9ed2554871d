import type Database from 'better-sqlite3';
import { QUALITY_CODES, type GapReason, type GapReport } from '@solarhub/shared';
import type { Logger } from 'pino';

export interface BoundsOptions {
  /** Most bytes the readings may take in the file (0: no limit). */
  maxBytes: number;
  /** Readings older than this (by their timestamp) are dropped (0: no limit). Readings with an unsynchronized clock are never aged out. */
  maxAgeMs: number;
  /** When full: drop the oldest readings (default) or refuse the newest. Either way the gap is counted and reported. */
  whenFull: 'drop_oldest' | 'drop_newest';
}

export interface DropHelpers {
  recordGap(gap: GapReport): void;
  removed(rows: number): void;
  log: Logger;
}

/** After dropping for size, the readings take at most this share of maxBytes (so drops come in chunks, not on every poll). */
export const REFILL_SHARE = 0.9;
/** Rows looked at per age check (the check runs again with the next write). */
const AGE_SCAN_ROWS = 5000;

/** The highest sequence ever given (AUTOINCREMENT's high-water mark), 0 for a new file. */
export function topSeq(db: Database.Database): number {
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined;
  return row?.seq ?? 0;
}

/** Skips `count` sequence numbers (for readings that were never written), so that each gap has its own numbers. */
export function reserveSeqs(db: Database.Database, count: number): void {
  if (count <= 0) return;
  const changed = db.prepare("UPDATE sqlite_sequence SET seq = seq + ? WHERE name = 'readings'").run(count).changes;
  if (changed === 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('readings', ?)").run(count);
}

/** Bytes the file's used pages take (free pages left by deleted rows are reused, so they do not count). */
export function usedBytes(db: Database.Database): number {
  const pages = Number(db.pragma('page_count', { simple: true }));
  const free = Number(db.pragma('freelist_count', { simple: true }));
  const size = Number(db.pragma('page_size', { simple: true }));
  return (pages - free) * size;
}

/** Deletes readings with seq <= `edge` and records them as one gap. */
function dropThrough(db: Database.Database, edge: number, reason: GapReason, helpers: DropHelpers): number {
  const agg = db
    .prepare('SELECT count(*) AS count, min(seq) AS fromSeq, max(seq) AS toSeq, min(ts) AS fromTs, max(ts) AS toTs FROM readings WHERE seq <= ?')
    .get(edge) as { count: number; fromSeq: number | null; toSeq: number | null; fromTs: number | null; toTs: number | null };
  if (agg.count === 0 || agg.fromSeq === null || agg.toSeq === null) return 0;
  db.prepare('DELETE FROM readings WHERE seq <= ?').run(edge);
  helpers.removed(agg.count);
  helpers.recordGap({ fromSeq: agg.fromSeq, toSeq: agg.toSeq, fromTs: agg.fromTs, toTs: agg.toTs, count: agg.count, reason });
  helpers.log.warn(
    { reason, count: agg.count, fromSeq: agg.fromSeq, toSeq: agg.toSeq, fromTs: agg.fromTs, toTs: agg.toTs },
    'buffer limit reached: oldest readings dropped and reported to the cloud as a gap',
  );
  return agg.count;
}

function dropOldestForSize(db: Database.Database, maxBytes: number, used: number, helpers: DropHelpers): void {
  const ends = db.prepare('SELECT (SELECT seq FROM readings ORDER BY seq LIMIT 1) AS lo, (SELECT seq FROM readings ORDER BY seq DESC LIMIT 1) AS hi').get() as {
    lo: number | null;
    hi: number | null;
  };
  if (ends.lo === null || ends.hi === null) return;
  const rows = ends.hi - ends.lo + 1;
  const perRow = used / rows;
  const drop = Math.min(rows, Math.max(1, Math.ceil((used - maxBytes * REFILL_SHARE) / perRow)));
  const edge = db.prepare('SELECT seq FROM readings ORDER BY seq LIMIT 1 OFFSET ?').get(drop - 1) as { seq: number } | undefined;
  dropThrough(db, edge?.seq ?? ends.hi, 'buffer_full', helpers);
}

function dropTooOld(db: Database.Database, cutoff: number, helpers: DropHelpers): void {
  const rows = db.prepare('SELECT seq, ts, quality FROM readings ORDER BY seq LIMIT ?').all(AGE_SCAN_ROWS) as { seq: number; ts: number; quality: number }[];
  let edge: number | null = null;
  for (const row of rows) {
    if (row.ts >= cutoff || row.quality === QUALITY_CODES.clock_unsynced) break;
    edge = row.seq;
  }
  if (edge !== null) dropThrough(db, edge, 'too_old', helpers);
}

/**
 * Runs inside the append transaction, before the new readings are inserted.
 * Returns false when the new readings must not be written (full, drop_newest):
 * their sequence numbers are then reserved and reported as a gap.
 */
export function enforceBounds(
  db: Database.Database,
  bounds: BoundsOptions,
  now: number,
  incoming: readonly { ts: number }[],
  helpers: DropHelpers,
): boolean {
  if (bounds.maxAgeMs > 0) {
    const oldest = db.prepare('SELECT ts, quality FROM readings ORDER BY seq LIMIT 1').get() as { ts: number; quality: number } | undefined;
    if (oldest && oldest.quality !== QUALITY_CODES.clock_unsynced && oldest.ts < now - bounds.maxAgeMs) dropTooOld(db, now - bounds.maxAgeMs, helpers);
  }
  if (bounds.maxBytes <= 0) return true;
  const used = usedBytes(db);
  if (used < bounds.maxBytes) return true;
  if (bounds.whenFull === 'drop_oldest') {
    dropOldestForSize(db, bounds.maxBytes, used, helpers);
    return true;
  }
  const from = topSeq(db) + 1;
  reserveSeqs(db, incoming.length);
  let fromTs = Infinity;
  let toTs = -Infinity;
  for (const r of incoming) {
    fromTs = Math.min(fromTs, Math.trunc(r.ts));
    toTs = Math.max(toTs, Math.trunc(r.ts));
  }
  helpers.recordGap({ fromSeq: from, toSeq: from + incoming.length - 1, fromTs, toTs, count: incoming.length, reason: 'buffer_full' });
  helpers.log.warn({ count: incoming.length, fromSeq: from, usedBytes: used, maxBytes: bounds.maxBytes }, 'buffer full: new readings dropped (whenFull = drop_newest) and reported to the cloud as a gap');
  return false;
}
