import type Database from 'better-sqlite3';
import { QUALITY_CODES } from '@solarhub/shared';
import type { Logger } from 'pino';
import { GAP_SCHEMA } from './gap-store.js';

/**
 * The buffer file's layout, version 2. A reading row holds numbers only: the
 * names it repeats (device, metric, unit, point; boot id) are rows of
 * `series` and `boots`, written once and referred to by id. Rows are then
 * small (faster appends, peeks and deletes on an SD card) and the sync turns
 * them into a batch's columns without a string per reading.
 */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id     INTEGER PRIMARY KEY,
  device TEXT NOT NULL,
  metric TEXT NOT NULL,
  unit   TEXT NOT NULL,
  -- '' when the reading names no source point (NULLs would not be UNIQUE)
  point  TEXT NOT NULL DEFAULT '',
  UNIQUE (device, metric, unit, point)
);
CREATE TABLE IF NOT EXISTS boots (
  id   INTEGER PRIMARY KEY,
  boot TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS readings (
  -- AUTOINCREMENT: a sequence number is never reused, even after every row
  -- was deleted and the process restarted (the cloud dedupes on it).
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  series  INTEGER NOT NULL,           -- series.id
  ts      INTEGER NOT NULL,
  value   REAL    NOT NULL,
  quality INTEGER NOT NULL DEFAULT 0, -- QUALITY_CODES of @solarhub/shared
  boot    INTEGER,                    -- boots.id
  mono    REAL
);
${GAP_SCHEMA}`;

const qualityCase = `CASE quality ${Object.entries(QUALITY_CODES)
  .map(([name, code]) => `WHEN '${name}' THEN ${code}`)
  .join(' ')} ELSE ${QUALITY_CODES.uncertain} END`;

/**
 * Version 1 kept every name in every reading row. Its readings move to the
 * version 2 tables in one transaction, with their sequence numbers and the
 * AUTOINCREMENT high-water mark: a gateway updated with a backlog sends it
 * all, under the same numbers (the cloud dedupes on them).
 */
function migrateFromV1(db: Database.Database, log: Logger): void {
  const top = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | undefined)?.seq ?? 0;
  db.exec('ALTER TABLE readings RENAME TO readings_v1');
  db.exec(SCHEMA);
  db.exec(`INSERT OR IGNORE INTO series (device, metric, unit, point) SELECT DISTINCT device, metric, unit, coalesce(point, '') FROM readings_v1`);
  db.exec('INSERT OR IGNORE INTO boots (boot) SELECT DISTINCT boot FROM readings_v1 WHERE boot IS NOT NULL');
  const moved = db
    .prepare(
      `INSERT INTO readings (seq, series, ts, value, quality, boot, mono)
       SELECT r.seq, s.id, r.ts, r.value, ${qualityCase.replace('quality', 'r.quality')}, b.id, r.mono
       FROM readings_v1 r
       JOIN series s ON s.device = r.device AND s.metric = r.metric AND s.unit = r.unit AND s.point = coalesce(r.point, '')
       LEFT JOIN boots b ON b.boot = r.boot
       ORDER BY r.seq`,
    )
    .run().changes;
  db.exec('DROP TABLE readings_v1');
  const max = (db.prepare('SELECT max(seq) AS m FROM readings').get() as { m: number | null }).m ?? 0;
  db.prepare("DELETE FROM sqlite_sequence WHERE name IN ('readings', 'readings_v1')").run();
  db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('readings', ?)").run(Math.max(top, max));
  log.info({ readings: moved, topSeq: Math.max(top, max) }, 'buffer file upgraded to layout 2');
}

/** Creates the tables of a new file, or upgrades an older layout in place (one transaction). */
export function ensureSchema(db: Database.Database, log: Logger): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version >= SCHEMA_VERSION) return;
  db.transaction(() => {
    const columns = db.prepare("SELECT name FROM pragma_table_info('readings')").all() as { name: string }[];
    if (columns.some((c) => c.name === 'device')) migrateFromV1(db, log);
    else db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
