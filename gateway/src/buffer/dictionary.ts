import type Database from 'better-sqlite3';
import type { BatchSeries } from '@solarhub/shared';

/**
 * The names reading rows refer to by id (tables `series` and `boots`), kept
 * in memory: a site has a few thousand series at most. Ids are created on
 * first use inside the caller's transaction; should that roll back, the
 * cache is reloaded before the next use.
 */
export interface Dictionary {
  seriesId(s: BatchSeries): number;
  bootId(boot: string): number;
  series(id: number): BatchSeries;
  boot(id: number): string;
  /** Forget ids created by a transaction that rolled back. */
  reload(): void;
}

const keyOf = (device: string, metric: string, unit: string, point: string) => `${device}\u0000${metric}\u0000${unit}\u0000${point}`;

export function openDictionary(db: Database.Database): Dictionary {
  const insertSeries = db.prepare('INSERT INTO series (device, metric, unit, point) VALUES (?, ?, ?, ?)');
  const insertBoot = db.prepare('INSERT INTO boots (boot) VALUES (?)');
  const allSeries = db.prepare('SELECT id, device, metric, unit, point FROM series');
  const allBoots = db.prepare('SELECT id, boot FROM boots');
  let seriesByKey = new Map<string, number>();
  let seriesById = new Map<number, BatchSeries>();
  let bootsByName = new Map<string, number>();
  let bootsById = new Map<number, string>();

  function load(): void {
    seriesByKey = new Map();
    seriesById = new Map();
    for (const row of allSeries.all() as { id: number; device: string; metric: BatchSeries['metric']; unit: string; point: string }[]) {
      seriesByKey.set(keyOf(row.device, row.metric, row.unit, row.point), row.id);
      seriesById.set(row.id, { device: row.device, metric: row.metric, unit: row.unit, ...(row.point !== '' && { point: row.point }) });
    }
    bootsByName = new Map();
    bootsById = new Map();
    for (const row of allBoots.all() as { id: number; boot: string }[]) {
      bootsByName.set(row.boot, row.id);
      bootsById.set(row.id, row.boot);
    }
  }
  load();

  return {
    seriesId(s) {
      const point = s.point ?? '';
      const key = keyOf(s.device, s.metric, s.unit, point);
      let id = seriesByKey.get(key);
      if (id === undefined) {
        id = Number(insertSeries.run(s.device, s.metric, s.unit, point).lastInsertRowid);
        seriesByKey.set(key, id);
        seriesById.set(id, { device: s.device, metric: s.metric, unit: s.unit, ...(point !== '' && { point }) });
      }
      return id;
    },
    bootId(boot) {
      let id = bootsByName.get(boot);
      if (id === undefined) {
        id = Number(insertBoot.run(boot).lastInsertRowid);
        bootsByName.set(boot, id);
        bootsById.set(id, boot);
      }
      return id;
    },
    series(id) {
      const s = seriesById.get(id);
      if (!s) throw new Error(`buffer: reading refers to unknown series ${id}`);
      return s;
    },
    boot(id) {
      const b = bootsById.get(id);
      if (b === undefined) throw new Error(`buffer: reading refers to unknown boot ${id}`);
      return b;
    },
    reload: load,
  };
}
