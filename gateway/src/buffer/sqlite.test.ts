import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite, sqliteBinding } from './sqlite.js';

describe('the SQLite binding', () => {
  const major = Number(process.versions.node.split('.')[0]);

  it(`is the one that suits Node ${major}`, () => {
    // 12 on Node 20 (13 crashes there); 13 (Node-API) from Node 22 on, where 12 aborts Node 24.19+ in GC.
    expect(sqliteBinding()).toBe(major >= 22 ? 'better-sqlite3 13 (Node-API)' : 'better-sqlite3 12');
  });

  it('opens a file database that survives many finalized statements', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'solarhub-sqlite-'));
    try {
      const db = openSqlite(path.join(dir, 'x.sqlite'));
      db.exec('CREATE TABLE t (v INTEGER)');
      // Many short-lived statements for the GC to finalize: what aborted Node 24 with better-sqlite3 12.
      for (let i = 0; i < 2000; i++) db.prepare(`INSERT INTO t (v) VALUES (${i})`).run();
      expect((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(2000);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
