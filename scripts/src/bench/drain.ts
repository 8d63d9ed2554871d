import type { BacklogShape } from './backlog.js';
import { runDrain } from './drain-run.js';
import { figure, type Bench } from './figure.js';

/**
 * A backlog of one million readings (50 devices x 20 metrics, 1,000 polls)
 * drained by the gateway process until the cloud has acknowledged all
 * (target: < 10 s), against COPY of the same rows; the drain rate against the
 * live rate of a large site (50 devices x 30 metrics every 5 s); and the
 * gateway's peak memory while draining against the same process idle.
 */
const SHAPE: BacklogShape = { readings: 1_000_000, devices: 50, metrics: 20, stepMs: 5000 };
const LIVE_PER_S = (50 * 30) / 5;

export const drainBench: Bench = {
  name: 'drain',
  description: `time to drain ${SHAPE.readings} buffered readings into the cloud vs COPY of them; drain rate vs live rate (${LIVE_PER_S}/s); gateway RSS draining vs idle`,
  async run(emit) {
    const r = await runDrain(SHAPE, { measureIdle: true });
    emit(figure('drain.seconds_1m', r.seconds, 's', r.copySeconds));
    emit(figure('drain.rate_vs_live', SHAPE.readings / r.seconds, 'readings/s', LIVE_PER_S));
    emit(figure('drain.gateway_peak_rss', r.peakRssMiB, 'MiB', r.idle?.peakMiB ?? 0));
  },
};
