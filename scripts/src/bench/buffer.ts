import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOutbox, openSqlite, type OutboxReading } from '@solarhub/gateway';
import { figure, type Bench } from './figure.js';

/**
 * The gateway's buffer: readings written per second through the outbox
 * (one transaction per poll of POLL readings, bounds checked on every write)
 * against a bare better-sqlite3 insert loop into the same table with the
 * same transactions and settings; and the cost of synchronous=FULL (every
 * commit synced: no committed poll lost in a power cut) against NORMAL.
 */
const READINGS = 200_000;
const POLL = 100;

const reading = (i: number): OutboxReading => ({
  device: `inverter-${i % 4}`,
  metric: 'ac_power_w',
  ts: 1_780_000_000_000 + i * 10,
  value: i * 0.5,
  unit: 'W',
  quality: 'good',
  point: 'sunspec.103.W',
  boot: 'bench-boot-0000',
  mono: i * 10,
});

function polls(): OutboxReading[][] {
  const out: OutboxReading[][] = [];
  for (let i = 0; i < READINGS; i += POLL) out.push(Array.from({ length: POLL }, (_, j) => reading(i + j)));
  return out;
}

function timeRate(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return READINGS / (Number(process.hrtime.bigint() - start) / 1e9);
}

function outboxRate(dir: string, synchronous: 'full' | 'normal', data: OutboxReading[][]): number {
  const outbox = openOutbox(join(dir, `outbox-${synchronous}.sqlite`), { synchronous, maxBytes: 1024 * 1024 * 1024 });
  try {
    return timeRate(() => {
      for (const p of data) outbox.append(p);
    });
  } finally {
    outbox.close();
  }
}

function bareRate(dir: string, synchronous: 'FULL' | 'NORMAL', data: OutboxReading[][]): number {
  const db = openSqlite(join(dir, `bare-${synchronous}.sqlite`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec(`CREATE TABLE readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
      value REAL NOT NULL, unit TEXT NOT NULL, quality TEXT NOT NULL DEFAULT 'good', point TEXT, boot TEXT, mono REAL)`);
    const insert = db.prepare('INSERT INTO readings (device, metric, ts, value, unit, quality, point, boot, mono) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const poll = db.transaction((rows: OutboxReading[]) => {
      for (const r of rows) insert.run(r.device, r.metric, r.ts, r.value, r.unit, r.quality, r.point, r.boot, r.mono);
    });
    return timeRate(() => {
      for (const p of data) poll(p);
    });
  } finally {
    db.close();
  }
}

export const bufferBench: Bench = {
  name: 'buffer',
  description: `outbox writes/s (${READINGS} readings, ${POLL} per transaction) vs a bare better-sqlite3 insert loop; synchronous FULL vs NORMAL`,
  async run(emit) {
    const dir = mkdtempSync(join(tmpdir(), 'solarhub-bench-buffer-'));
    try {
      const data = polls();
      const bareFull = bareRate(dir, 'FULL', data);
      const full = outboxRate(dir, 'full', data);
      const bareNormal = bareRate(dir, 'NORMAL', data);
      const normal = outboxRate(dir, 'normal', data);
      emit(figure('buffer.writes_per_s.full', full, 'readings/s', bareFull));
      emit(figure('buffer.writes_per_s.normal', normal, 'readings/s', bareNormal));
      emit(figure('buffer.full_vs_normal', full, 'readings/s', normal));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
