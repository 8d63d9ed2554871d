import type Database from 'better-sqlite3';
import { QUALITY_CODES, qualityOfCode, type Reading, type ReadingInput } from '@solarhub/shared';
import { pino, type Logger } from 'pino';
import { enforceBounds, reserveSeqs, topSeq, type BoundsOptions, type DropHelpers } from './bounds.js';
import { prepareColumnReader, type OutboxColumns } from './columns.js';
import { BufferWriteError, isWriteFailure, sqliteCode, writeFailureHint } from './errors.js';
import { openDictionary, type Dictionary } from './dictionary.js';
import { createGapStore, type StoredGap } from './gap-store.js';
import { openCheckedDatabase } from './recovery.js';
import { ensureSchema } from './schema.js';
import { readSeqMark, writeSeqMark } from './seq-floor.js';

/** A reading before it has a sequence number. */
export type OutboxReading = Omit<ReadingInput, 'seq'>;

/**
 * One buffered reading as the outbox stores it, in column order (what
 * `peekRows` gives; see batch-body.ts): numbers only, names by id (resolve
 * them with `Outbox.dictionary`), quality as its QUALITY_CODES code.
 */
export type OutboxRow = [seq: number, series: number, ts: number, value: number, quality: number, boot: number | null, mono: number | null];

export interface OutboxStats {
  backlog: number;
  oldestTs: number | null;
  oldestSeq: number | null;
  newestSeq: number | null;
}

export interface OutboxOptions extends Partial<BoundsOptions> {
  /**
   * SQLite `synchronous` in WAL mode. 'full' (default): every committed poll
   * survives a power cut. 'normal': a power cut may roll back the last
   * commits (never corrupts); a process crash loses nothing either way.
   */
  synchronous?: 'full' | 'normal';
  log?: Logger;
  now?: () => number;
}

export interface Outbox {
  /**
   * Writes all readings in one transaction; returns the sequence range given
   * to them (null if none, or if they were dropped because the buffer is full
   * with whenFull = drop_newest). Throws BufferWriteError when the disk
   * refuses the write: those readings are counted and reported as a gap.
   */
  append(readings: readonly OutboxReading[]): { firstSeq: number; lastSeq: number } | null;
  /** Up to `limit` readings, oldest first; only those after `afterSeq` when given. */
  peek(limit: number, afterSeq?: number): Reading[];
  /** The same as raw rows, without building an object per reading (the sync loop serializes them straight to JSON). */
  peekRows(limit: number, afterSeq?: number): OutboxRow[];
  /** The same by column (see columns.ts): the sync loop's fast path. */
  peekColumns(limit: number, afterSeq?: number): OutboxColumns;
  /** The series and boot ids of raw rows. */
  readonly dictionary: Pick<Dictionary, 'series' | 'boot'>;
  /** Deletes exactly the readings with fromSeq <= seq <= toSeq; returns how many. */
  ack(fromSeq: number, toSeq: number): number;
  /** Gap reports not yet acknowledged by the cloud, oldest first. */
  gaps(limit?: number): StoredGap[];
  /** The cloud stored these gap reports. */
  ackGaps(gaps: readonly StoredGap[]): number;
  stats(): OutboxStats;
  /** Readings dropped since the buffer file was created. */
  droppedTotal(): number;
  /** Set when the file was corrupt at start and set aside (see recovery.ts). */
  readonly quarantinedTo: string | null;
  /** The SQLite settings in force (journal_mode, synchronous), for checks and diagnostics. */
  settings(): { journalMode: string; synchronous: number };
  /** Runs a PRAGMA on the buffer's connection (diagnostics and tuning, e.g. "max_page_count = 1000"); returns its result. */
  pragma(statement: string): unknown;
  close(): void;
}

/** Margin added to the last known sequence when a corrupt file's own high-water mark cannot be read. */
export const UNKNOWN_SEQ_MARGIN = 10_000_000;
const SEQ_MARK_EVERY_MS = 60_000;

function toReading(row: OutboxRow, dictionary: Dictionary): Reading {
  const [seq, series, ts, value, quality, boot, mono] = row;
  const s = dictionary.series(series);
  const reading: Reading = { seq, device: s.device, metric: s.metric, ts, value, unit: s.unit, quality: qualityOfCode(quality) };
  if (s.point !== undefined) reading.point = s.point;
  if (boot !== null) reading.boot = dictionary.boot(boot);
  if (mono !== null) reading.mono = mono;
  return reading;
}

/** After a quarantine: continue above every sequence the lost file may have used, and report its readings as a gap. */
function continueAfterQuarantine(db: Database.Database, file: string, quarantine: NonNullable<ReturnType<typeof openCheckedDatabase>['quarantined']>, gaps: ReturnType<typeof createGapStore>): void {
  const mark = readSeqMark(file);
  const { salvage } = quarantine;
  const known = Math.max(salvage.maxSeq ?? 0, mark?.maxSeq ?? 0);
  const floor = salvage.maxSeq !== null ? known : known + UNKNOWN_SEQ_MARGIN;
  db.transaction(() => {
    reserveSeqs(db, floor - topSeq(db));
    if (salvage.count === 0) return;
    const fromSeq = salvage.minSeq ?? mark?.oldestSeq ?? (mark ? mark.maxSeq + 1 : 1);
    if (floor < fromSeq) return;
    gaps.record({ fromSeq, toSeq: floor, fromTs: salvage.minTs, toTs: salvage.maxTs, count: salvage.count ?? floor - fromSeq + 1, reason: 'corrupt_buffer' });
  })();
}

/**
 * The store-and-forward buffer: readings wait here until the cloud has
 * acknowledged them. One SQLite file, opened by one process.
 */
export function openOutbox(file: string, options: OutboxOptions = {}): Outbox {
  const log = (options.log ?? pino({ level: 'silent' })).child({ component: 'buffer' });
  const now = options.now ?? Date.now;
  const { db, quarantined } = openCheckedDatabase(file, log, now);
  db.pragma('journal_mode = WAL');
  // FULL by default, deliberately: in WAL mode better-sqlite3's SQLite
  // defaults to NORMAL, where a committed transaction can roll back after a
  // power cut (the WAL is not synced on commit). With FULL every commit is
  // synced, so a reading we wrote is still there after the power comes back.
  // Polls write one transaction each: one fsync per poll, not per reading.
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  ensureSchema(db, log);
  const dictionary = openDictionary(db);
  const gapStore = createGapStore(db);
  if (quarantined) continueAfterQuarantine(db, file, quarantined, gapStore);

  const insert = db.prepare('INSERT INTO readings (series, ts, value, quality, boot, mono) VALUES (?, ?, ?, ?, ?, ?)');
  const selectRows = db.prepare('SELECT seq, series, ts, value, quality, boot, mono FROM readings WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  const readColumns = prepareColumnReader(db);
  const remove = db.prepare('DELETE FROM readings WHERE seq BETWEEN ? AND ?');
  const ends = db.prepare('SELECT (SELECT seq FROM readings ORDER BY seq LIMIT 1) AS oldestSeq, (SELECT seq FROM readings ORDER BY seq DESC LIMIT 1) AS newestSeq');
  const oldest = db.prepare('SELECT ts FROM readings ORDER BY seq LIMIT 1');
  /** Exact row count, kept in memory (COUNT(*) is a full scan on a big backlog). */
  let backlog = (db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;

  const bounds: BoundsOptions = { maxBytes: options.maxBytes ?? 0, maxAgeMs: options.maxAgeMs ?? 0, whenFull: options.whenFull ?? 'drop_oldest' };
  const helpers: DropHelpers = {
    recordGap: (gap) => gapStore.record(gap),
    removed: (n) => {
      backlog -= n;
    },
    log,
  };

  /** Readings that could not be written (disk full...): reported as a gap once writing works again. */
  let pendingLoss: { count: number; fromTs: number; toTs: number } | null = null;
  let failing = false;
  let lastMarkAt = 0;

  const mark = () => {
    const e = ends.get() as { oldestSeq: number | null };
    writeSeqMark(file, { maxSeq: topSeq(db), oldestSeq: e.oldestSeq });
    lastMarkAt = now();
  };

  const appendAll = db.transaction((readings: readonly OutboxReading[]) => {
    if (pendingLoss) {
      const from = topSeq(db) + 1;
      reserveSeqs(db, pendingLoss.count);
      gapStore.record({ fromSeq: from, toSeq: from + pendingLoss.count - 1, fromTs: pendingLoss.fromTs, toTs: pendingLoss.toTs, count: pendingLoss.count, reason: 'write_failed' });
    }
    const admitted = enforceBounds(db, bounds, now(), readings, helpers);
    if (!admitted) return null;
    let first = -1;
    let last = -1;
    for (const r of readings) {
      const series = dictionary.seriesId(r);
      const boot = r.boot === undefined ? null : dictionary.bootId(r.boot);
      const info = insert.run(series, Math.trunc(r.ts), r.value, QUALITY_CODES[r.quality ?? 'good'], boot, r.mono ?? null);
      last = Number(info.lastInsertRowid);
      if (first < 0) first = last;
    }
    backlog += readings.length;
    return { firstSeq: first, lastSeq: last };
  });

  function noteFailure(err: unknown, readings: readonly OutboxReading[]): BufferWriteError {
    let fromTs = Infinity;
    let toTs = -Infinity;
    for (const r of readings) {
      fromTs = Math.min(fromTs, Math.trunc(r.ts));
      toTs = Math.max(toTs, Math.trunc(r.ts));
    }
    pendingLoss = pendingLoss
      ? { count: pendingLoss.count + readings.length, fromTs: Math.min(pendingLoss.fromTs, fromTs), toTs: Math.max(pendingLoss.toTs, toTs) }
      : { count: readings.length, fromTs, toTs };
    const code = sqliteCode(err);
    if (!failing) log.error({ file, code, err }, `cannot write to the buffer: ${writeFailureHint(code)}`);
    failing = true;
    return new BufferWriteError(`buffer write failed (${code}): ${readings.length} readings lost`, { file, code, lost: pendingLoss.count }, { cause: err });
  }

  mark();
  return {
    quarantinedTo: quarantined?.movedTo ?? null,
    dictionary,
    append(readings) {
      if (readings.length === 0) return null;
      let result: { firstSeq: number; lastSeq: number } | null;
      try {
        result = appendAll(readings);
      } catch (err) {
        // Names first written by the rolled-back transaction are gone again.
        dictionary.reload();
        if (!isWriteFailure(err)) throw err;
        throw noteFailure(err, readings);
      }
      if (failing) {
        log.warn({ file, lost: pendingLoss?.count }, 'buffer writes work again: the readings lost meanwhile are reported as a gap');
        failing = false;
      }
      pendingLoss = null;
      if (now() - lastMarkAt >= SEQ_MARK_EVERY_MS) mark();
      return result;
    },
    peek(limit, afterSeq = 0) {
      return (selectRows.all(afterSeq, Math.max(0, Math.trunc(limit))) as OutboxRow[]).map((row) => toReading(row, dictionary));
    },
    peekRows(limit, afterSeq = 0) {
      return selectRows.all(afterSeq, Math.max(0, Math.trunc(limit))) as OutboxRow[];
    },
    peekColumns: (limit, afterSeq = 0) => readColumns(limit, afterSeq),
    ack(fromSeq, toSeq) {
      const n = remove.run(fromSeq, toSeq).changes;
      backlog -= n;
      return n;
    },
    gaps: (limit = 100) => gapStore.pending(limit),
    ackGaps: (gaps) => gapStore.acknowledge(gaps),
    droppedTotal: () => gapStore.droppedTotal() + (pendingLoss?.count ?? 0),
    stats() {
      const e = ends.get() as { oldestSeq: number | null; newestSeq: number | null };
      const o = oldest.get() as { ts: number } | undefined;
      return { backlog, oldestTs: o?.ts ?? null, oldestSeq: e.oldestSeq, newestSeq: e.newestSeq };
    },
    settings() {
      return {
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        synchronous: Number(db.pragma('synchronous', { simple: true })),
      };
    },
    pragma: (statement) => db.pragma(statement, { simple: true }),
    close() {
      if (!db.open) return;
      try {
        mark();
      } finally {
        db.close();
      }
    },
  };
}
