import type { BacklogShape } from './backlog.js';
import { runDrain } from './drain-run.js';
import { figure, type Bench } from './figure.js';

/**
 * End-to-end sync throughput: readings per second from the gateway's outbox
 * (a real SQLite file), through the gateway process's sync loop (gzip JSON
 * over HTTP), into the real cloud app and PostgreSQL, acknowledged; against
 * COPY of the same rows into the same table in the same run. Target: >= 0.3.
 */
const SHAPE: BacklogShape = { readings: 300_000, devices: 50, metrics: 20, stepMs: 5000 };

export const syncBench: Bench = {
  name: 'sync',
  description: `end-to-end readings/s, outbox -> gateway sync -> HTTP -> cloud -> PostgreSQL (${SHAPE.readings} readings, default sync settings) vs COPY of the same rows`,
  async run(emit) {
    const r = await runDrain(SHAPE);
    emit(figure('sync.readings_per_s', SHAPE.readings / r.seconds, 'readings/s', SHAPE.readings / r.copySeconds));
  },
};
