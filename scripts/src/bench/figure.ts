/**
 * One benchmark figure, printed as one JSON line. The baseline is measured in
 * the same run on the same machine, so the ratio compares across machines.
 */
export interface Figure {
  bench: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
}

export function figure(bench: string, value: number, unit: string, baseline: number): Figure {
  const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);
  return { bench, value: round(value), unit, baseline: round(baseline), ratio: baseline === 0 ? 0 : round(value / baseline) };
}

/** A benchmark: a name, what it measures, and a function printing figures through `emit`. */
export interface Bench {
  name: string;
  description: string;
  run(emit: (f: Figure) => void): Promise<void>;
}

/** Times fn over `iterations`, after a warm-up; returns operations per second. */
export async function opsPerSecond(iterations: number, fn: (i: number) => unknown): Promise<number> {
  const warm = Math.max(1, Math.floor(iterations / 10));
  for (let i = 0; i < warm; i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / seconds;
}
