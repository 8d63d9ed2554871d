import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOutbox } from './outbox.js';
import { openSqlite } from './sqlite.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gw-schema-'));

/** A buffer file as version 1 of the gateway wrote it: every name in every row. */
function writeV1(file: string, rows: unknown[][], highWater: number): void {
  const db = openSqlite(file);
  db.exec(`CREATE TABLE readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
    value REAL NOT NULL, unit TEXT NOT NULL, quality TEXT NOT NULL DEFAULT 'good', point TEXT, boot TEXT, mono REAL)`);
  const insert = db.prepare('INSERT INTO readings (seq, device, metric, ts, value, unit, quality, point, boot, mono) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of rows) insert.run(...row);
  if (db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'readings'").run(highWater).changes === 0) {
    db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('readings', ?)").run(highWater);
  }
  db.close();
}

describe('buffer layout upgrade from version 1', () => {
  it.each<[string, unknown[][], number, number]>([
    [
      'a backlog keeps its sequence numbers, names, qualities, boots and monotonic times',
      [
        [5, 'inv-1', 'ac_power_w', 1000, 1.5, 'W', 'good', 'sunspec.103.W', 'boot-a', 12.5],
        [6, 'inv-1', 'ac_power_w', 2000, 2.5, 'W', 'clock_unsynced', null, null, null],
        [9, 'meter-1', 'ac_energy_wh', 3000, 7, 'Wh', 'uncertain', 'vendor.x.0x10', 'boot-b', 0],
      ],
      9,
      10,
    ],
    ['an empty buffer keeps its high-water mark: numbers are never reused', [], 41, 42],
    ['a high-water mark above the rows is kept', [[3, 'inv-1', 'ac_power_w', 1000, 1, 'W', 'good', null, null, null]], 70, 71],
  ])('%s', (_name, rows, highWater, nextSeq) => {
    const file = path.join(dir, `v1-${highWater}.db`);
    writeV1(file, rows, highWater);
    const outbox = openOutbox(file);
    try {
      expect(outbox.peek(100)).toEqual(
        rows.map(([seq, device, metric, ts, value, unit, quality, point, boot, mono]) => ({
          seq, device, metric, ts, value, unit, quality,
          ...(point !== null && { point }),
          ...(boot !== null && { boot }),
          ...(mono !== null && { mono }),
        })),
      );
      expect(outbox.append([{ device: 'inv-1', metric: 'ac_power_w', ts: 4000, value: 1, unit: 'W' }])).toEqual({ firstSeq: nextSeq, lastSeq: nextSeq });
      expect(outbox.pragma('user_version')).toBe(2);
    } finally {
      outbox.close();
    }
    // Opening again changes nothing.
    const reopened = openOutbox(file);
    expect(reopened.stats().backlog).toBe(rows.length + 1);
    reopened.close();
  });
});
