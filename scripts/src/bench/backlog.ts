import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { METRICS } from '@solarhub/shared';
import { openOutbox, type OutboxReading } from '@solarhub/gateway';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * A gateway's backlog as the benchmarks use it: `devices` devices with
 * `metrics` normalized metrics each, one poll of every metric per `stepMs`,
 * oldest first, ending just before now (so it lands in this and last week's
 * partitions). Reading i has sequence i + 1 in a fresh outbox.
 */
export interface BacklogShape {
  readings: number;
  devices: number;
  metrics: number;
  stepMs: number;
}

const METRIC_NAMES = Object.entries(METRICS);

export function backlogReading(shape: BacklogShape, start: number, i: number): OutboxReading {
  const perPoll = shape.devices * shape.metrics;
  const m = i % shape.metrics;
  const [metric, def] = METRIC_NAMES[m % METRIC_NAMES.length]!;
  const poll = Math.floor(i / perPoll);
  return {
    device: `inverter-${Math.floor((i % perPoll) / shape.metrics)}`,
    metric,
    ts: start + poll * shape.stepMs,
    value: ((i * 7919) % 100_000) / 10,
    unit: def.unit,
    quality: 'good',
    point: `sunspec.103.P${m}`,
    boot: 'bench-boot-00000000',
    mono: poll * shape.stepMs,
  };
}

/** When the backlog's first poll was taken: far enough back that its last poll is a minute old. */
export function backlogStart(shape: BacklogShape, now = Date.now()): number {
  const polls = Math.ceil(shape.readings / (shape.devices * shape.metrics));
  return now - 60_000 - polls * shape.stepMs;
}

/** Writes the backlog into a fresh outbox file, one transaction per poll, as the poller would. */
export function fillOutbox(file: string, shape: BacklogShape, start: number): void {
  const outbox = openOutbox(file, { synchronous: 'normal', maxBytes: 0 });
  try {
    const perPoll = shape.devices * shape.metrics;
    for (let i = 0; i < shape.readings; i += perPoll) {
      const poll: OutboxReading[] = [];
      for (let j = i; j < Math.min(i + perPoll, shape.readings); j++) poll.push(backlogReading(shape, start, j));
      outbox.append(poll);
    }
  } finally {
    outbox.close();
  }
}

/**
 * The baseline: the same rows (series id, time, value, quality, gateway,
 * seq) as the cloud stored them, by COPY into the same emptied
 * `measurements` table. The COPY text is built first; only the COPY is timed.
 * Returns seconds.
 */
export async function copyBaseline(admin: pg.Client, gatewayId: string, shape: BacklogShape, start: number): Promise<number> {
  const { rows } = await admin.query<{ id: string; key: string; metric: string }>(
    'SELECT s.id, d.key, s.metric FROM series s JOIN devices d ON d.id = s.device_id WHERE d.gateway_id = $1',
    [gatewayId],
  );
  const seriesIds = new Map(rows.map((r) => [`${r.key}/${r.metric}`, r.id]));
  const chunks: Buffer[] = [];
  const CHUNK = 50_000;
  for (let i = 0; i < shape.readings; i += CHUNK) {
    let text = '';
    for (let j = i; j < Math.min(i + CHUNK, shape.readings); j++) {
      const r = backlogReading(shape, start, j);
      const id = seriesIds.get(`${r.device}/${r.metric}`);
      if (id === undefined) throw new Error(`no series for ${r.device}/${r.metric}: did the sync run store it?`);
      text += `${id}\t${new Date(r.ts).toISOString()}\t${r.value}\t0\t${gatewayId}\t${j + 1}\n`;
    }
    chunks.push(Buffer.from(text));
  }
  await admin.query('TRUNCATE measurements');
  await admin.query('CHECKPOINT');
  const started = performance.now();
  await pipeline(Readable.from(chunks), admin.query(copyFrom('COPY measurements (series_id, ts, value, quality, gateway_id, seq) FROM STDIN')));
  const seconds = (performance.now() - started) / 1000;
  const { rows: count } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM measurements');
  if (Number(count[0]!.n) !== shape.readings) throw new Error(`COPY stored ${count[0]!.n} rows, expected ${shape.readings}`);
  return seconds;
}
