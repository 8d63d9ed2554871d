import type { Quality } from './enums.js';
import type { BatchSeries, IngestBatch, Reading, ReadingColumns, ReadingInput } from './telemetry.js';

/** The reading part of an IngestBatch. */
export type PackedReadings = Pick<IngestBatch, 'series' | 'boots' | 'readings'>;

const seriesKey = (s: BatchSeries) => JSON.stringify([s.device, s.metric, s.unit, s.point ?? null]);

/**
 * Readings as the columns of an IngestBatch: each distinct (device, metric,
 * unit, point) and boot id listed once. Optional columns are left out when
 * they say nothing (all good, no boot, no mono).
 */
export function packReadings(readings: readonly (Reading | ReadingInput)[]): PackedReadings {
  const series: BatchSeries[] = [];
  const seriesIndex = new Map<string, number>();
  const boots: string[] = [];
  const bootIndex = new Map<string, number>();
  const columns: Required<ReadingColumns> = { seq: [], series: [], ts: [], value: [], quality: [], boot: [], mono: [] };
  for (const r of readings) {
    const s: BatchSeries = { device: r.device, metric: r.metric, unit: r.unit, ...(r.point !== undefined && { point: r.point }) };
    const key = seriesKey(s);
    let si = seriesIndex.get(key);
    if (si === undefined) {
      si = series.push(s) - 1;
      seriesIndex.set(key, si);
    }
    let bi: number | null = null;
    if (r.boot !== undefined) {
      bi = bootIndex.get(r.boot) ?? null;
      if (bi === null) {
        bi = boots.push(r.boot) - 1;
        bootIndex.set(r.boot, bi);
      }
    }
    if (!('seq' in r) || typeof r.seq !== 'number') throw new Error('packReadings: every reading needs its seq');
    columns.seq.push(r.seq);
    columns.series.push(si);
    columns.ts.push(r.ts);
    columns.value.push(r.value);
    columns.quality.push(r.quality ?? 'good');
    columns.boot.push(bi);
    columns.mono.push(r.mono ?? null);
  }
  const packed: ReadingColumns = { seq: columns.seq, series: columns.series, ts: columns.ts, value: columns.value };
  if (columns.quality.some((q) => q !== 'good')) packed.quality = columns.quality;
  if (columns.boot.some((b) => b !== null)) packed.boot = columns.boot;
  if (columns.mono.some((m) => m !== null)) packed.mono = columns.mono;
  return { series, boots, readings: packed };
}

/** The readings of a (validated) batch as Reading objects, in batch order. */
export function unpackReadings(batch: PackedReadings): Reading[] {
  const { readings: c } = batch;
  return c.seq.map((seq, i) => {
    const s = batch.series[c.series[i]!]!;
    const reading: Reading = { seq, device: s.device, metric: s.metric, ts: c.ts[i]!, value: c.value[i]!, unit: s.unit, quality: (c.quality?.[i] ?? 'good') as Quality };
    if (s.point !== undefined) reading.point = s.point;
    const boot = c.boot?.[i];
    if (boot !== null && boot !== undefined) reading.boot = batch.boots[boot]!;
    const mono = c.mono?.[i];
    if (mono !== null && mono !== undefined) reading.mono = mono;
    return reading;
  });
}
