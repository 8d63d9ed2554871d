import type Database from 'better-sqlite3';
import type { GapReason, GapReport } from '@solarhub/shared';

/** A gap report waiting to be acknowledged by the cloud. */
export interface StoredGap extends GapReport {
  id: number;
}

export const GAP_SCHEMA = `
CREATE TABLE IF NOT EXISTS gaps (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  from_seq INTEGER NOT NULL,
  to_seq   INTEGER NOT NULL,
  from_ts  INTEGER,
  to_ts    INTEGER,
  count    INTEGER NOT NULL,
  reason   TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);`;

interface GapRow {
  id: number;
  from_seq: number;
  to_seq: number;
  from_ts: number | null;
  to_ts: number | null;
  count: number;
  reason: GapReason;
}

const minOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Gap reports and the lifetime dropped count, in the buffer's own file so
 * that a drop and its report commit together. A gap that continues the last
 * unsent one (same reason, next sequence) extends it instead of adding a row.
 */
export function createGapStore(db: Database.Database) {
  const last = db.prepare('SELECT * FROM gaps ORDER BY id DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO gaps (from_seq, to_seq, from_ts, to_ts, count, reason) VALUES (?, ?, ?, ?, ?, ?)');
  const extend = db.prepare('UPDATE gaps SET to_seq = ?, from_ts = ?, to_ts = ?, count = ? WHERE id = ?');
  const list = db.prepare('SELECT * FROM gaps ORDER BY id LIMIT ?');
  const remove = db.prepare('DELETE FROM gaps WHERE id = ? AND to_seq = ? AND count = ?');
  const addDropped = db.prepare(
    "INSERT INTO meta (key, value) VALUES ('dropped_total', ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
  );
  const dropped = db.prepare("SELECT value FROM meta WHERE key = 'dropped_total'");

  return {
    /** Call inside the transaction that dropped the readings. */
    record(gap: GapReport): void {
      const prev = last.get() as GapRow | undefined;
      if (prev && prev.reason === gap.reason && prev.to_seq + 1 === gap.fromSeq) {
        extend.run(gap.toSeq, minOrNull(prev.from_ts, gap.fromTs), maxOrNull(prev.to_ts, gap.toTs), prev.count + gap.count, prev.id);
      } else {
        insert.run(gap.fromSeq, gap.toSeq, gap.fromTs, gap.toTs, gap.count, gap.reason);
      }
      addDropped.run(gap.count);
    },
    pending(limit: number): StoredGap[] {
      return (list.all(limit) as GapRow[]).map((r) => ({
        id: r.id,
        fromSeq: r.from_seq,
        toSeq: r.to_seq,
        fromTs: r.from_ts,
        toTs: r.to_ts,
        count: r.count,
        reason: r.reason,
      }));
    },
    /** Deletes the reports as they were sent; one extended since stays (and is sent again, larger). */
    acknowledge(gaps: readonly StoredGap[]): number {
      let n = 0;
      for (const g of gaps) n += remove.run(g.id, g.toSeq, g.count).changes;
      return n;
    },
    droppedTotal(): number {
      return (dropped.get() as { value: number } | undefined)?.value ?? 0;
    },
  };
}

export type GapStore = ReturnType<typeof createGapStore>;
