/**
 * Request planning: which reads fetch a set of points. Pure: no I/O.
 *
 * Points (each with the span it needs: the value, and its scale-factor
 * register when it has one, which must come in the same request) are
 * sorted per table and merged while the merged read stays within
 * `maxRegisters` and the unused registers between two spans are at most
 * `maxGap`, never across an `avoid` range. Points marked `alone` always get
 * a request of their own.
 */
export type Table = 'holding' | 'input' | 'coil' | 'discrete';

export interface Span<K = string> {
  key: K;
  table: Table;
  /** First register (or bit). */
  start: number;
  /** One past the last. */
  end: number;
  alone?: boolean | undefined;
}

export interface PlannedRead<K = string> {
  table: Table;
  address: number;
  count: number;
  spans: Array<Span<K>>;
}

export interface PlanOptions {
  /** Registers per read (Modbus: 125). Coils and discrete inputs use 16x this (at most 2000). */
  maxRegisters: number;
  /** Largest run of unneeded registers read to save a request. */
  maxGap: number;
  /** Registers no read may cover (e.g. ones the device refused with "illegal data address"). */
  avoid?: ReadonlyArray<{ table: Table; start: number; end: number }> | undefined;
}

const TABLES: readonly Table[] = ['holding', 'input', 'coil', 'discrete'];

export function planReads<K>(spans: ReadonlyArray<Span<K>>, options: PlanOptions): Array<PlannedRead<K>> {
  const reads: Array<PlannedRead<K>> = [];
  for (const table of TABLES) {
    const bits = table === 'coil' || table === 'discrete';
    const max = bits ? Math.min(2000, options.maxRegisters * 16) : options.maxRegisters;
    const gap = bits ? options.maxGap * 16 : options.maxGap;
    const sorted = spans.filter((s) => s.table === table).sort((a, b) => a.start - b.start || a.end - b.end);
    const avoid = (options.avoid ?? []).filter((a) => a.table === table);
    const crossesAvoided = (from: number, to: number) => avoid.some((a) => a.start < to && a.end > from);
    let current: PlannedRead<K> | undefined;
    for (const span of sorted) {
      const end = current ? Math.max(current.address + current.count, span.end) : span.end;
      const fits =
        current !== undefined &&
        !crossesAvoided(current.address + current.count, span.start) &&
        !span.alone &&
        !current.spans.some((s) => s.alone) &&
        span.start - (current.address + current.count) <= gap &&
        end - current.address <= max;
      if (current && fits) {
        current.count = end - current.address;
        current.spans.push(span);
      } else {
        current = { table, address: span.start, count: span.end - span.start, spans: [span] };
        reads.push(current);
      }
    }
  }
  return reads;
}
