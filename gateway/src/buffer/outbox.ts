import Database from 'better-sqlite3';
import type { Quality, Reading } from '@solarhub/shared';

/** A reading before it has a sequence number. */
export interface OutboxReading {
  device: string;
  metric: string;
  ts: number;
  value: number;
  unit: string;
  quality?: Quality | undefined;
  point?: string | undefined;
  boot?: string | undefined;
  mono?: number | undefined;
}

export interface OutboxStats {
  backlog: number;
  oldestTs: number | null;
  oldestSeq: number | null;
  newestSeq: number | null;
}

export interface Outbox {
  /** Writes all readings in one transaction; returns the sequence range given to them (null if none). */
  append(readings: readonly OutboxReading[]): { firstSeq: number; lastSeq: number } | null;
  /** Up to `limit` readings, oldest first. */
  peek(limit: number): Reading[];
  /** Deletes exactly the readings with fromSeq <= seq <= toSeq; returns how many. */
  ack(fromSeq: number, toSeq: number): number;
  stats(): OutboxStats;
  /** The SQLite settings in force (journal_mode, synchronous), for checks and diagnostics. */
  settings(): { journalMode: string; synchronous: number };
  close(): void;
}

interface Row {
  seq: number;
  device: string;
  metric: string;
  ts: number;
  value: number;
  unit: string;
  quality: Quality;
  point: string | null;
  boot: string | null;
  mono: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  -- AUTOINCREMENT: a sequence number is never reused, even after every row
  -- was deleted and the process restarted (the cloud dedupes on it).
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  device  TEXT    NOT NULL,
  metric  TEXT    NOT NULL,
  ts      INTEGER NOT NULL,
  value   REAL    NOT NULL,
  unit    TEXT    NOT NULL,
  quality TEXT    NOT NULL DEFAULT 'good',
  point   TEXT,
  boot    TEXT,
  mono    REAL
);`;

/**
 * The store-and-forward buffer: readings wait here until the cloud has
 * acknowledged them. One SQLite file, opened by one process.
 */
export function openOutbox(file: string): Outbox {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL, deliberately: in WAL mode better-sqlite3's SQLite defaults to
  // NORMAL, where a committed transaction can roll back after a power cut
  // (the WAL is not synced on commit). With FULL every commit is synced, so a
  // reading we wrote is still there after the power comes back. Polls write
  // one transaction each, so the cost is one fsync per poll, not per reading.
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);

  const insert = db.prepare(
    'INSERT INTO readings (device, metric, ts, value, unit, quality, point, boot, mono) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT seq, device, metric, ts, value, unit, quality, point, boot, mono FROM readings ORDER BY seq LIMIT ?');
  const remove = db.prepare('DELETE FROM readings WHERE seq BETWEEN ? AND ?');
  const count = db.prepare('SELECT COUNT(*) AS backlog, MIN(seq) AS oldestSeq, MAX(seq) AS newestSeq FROM readings');
  const oldest = db.prepare('SELECT ts FROM readings ORDER BY seq LIMIT 1');

  const appendAll = db.transaction((readings: readonly OutboxReading[]) => {
    let first = -1;
    let last = -1;
    for (const r of readings) {
      const info = insert.run(r.device, r.metric, Math.trunc(r.ts), r.value, r.unit, r.quality ?? 'good', r.point ?? null, r.boot ?? null, r.mono ?? null);
      last = Number(info.lastInsertRowid);
      if (first < 0) first = last;
    }
    return { firstSeq: first, lastSeq: last };
  });

  return {
    append(readings) {
      return readings.length === 0 ? null : appendAll(readings);
    },
    peek(limit) {
      const rows = select.all(Math.max(0, Math.trunc(limit))) as Row[];
      return rows.map((row) => {
        const reading: Reading = {
          seq: row.seq,
          device: row.device,
          metric: row.metric,
          ts: row.ts,
          value: row.value,
          unit: row.unit,
          quality: row.quality,
        };
        if (row.point !== null) reading.point = row.point;
        if (row.boot !== null) reading.boot = row.boot;
        if (row.mono !== null) reading.mono = row.mono;
        return reading;
      });
    },
    ack(fromSeq, toSeq) {
      return remove.run(fromSeq, toSeq).changes;
    },
    stats() {
      const c = count.get() as { backlog: number; oldestSeq: number | null; newestSeq: number | null };
      const o = oldest.get() as { ts: number } | undefined;
      return { backlog: c.backlog, oldestTs: o?.ts ?? null, oldestSeq: c.oldestSeq, newestSeq: c.newestSeq };
    },
    settings() {
      return {
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        synchronous: Number(db.pragma('synchronous', { simple: true })),
      };
    },
    close() {
      if (db.open) db.close();
    },
  };
}
