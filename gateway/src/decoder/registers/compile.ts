import { metricDefinition } from '@solarhub/shared';
import { applyScaleFactor, isValidScaleFactor } from '../sunspec/point-types.js';
import type { Span, Table } from './planner.js';
import type { Profile, ProfilePoint } from './profile.js';
import { decodeRaw, registerCount, unsignedRaw, type ValueFormat } from './value-types.js';

/** A profile point with every default applied: what the reader needs. */
export interface CompiledPoint {
  name: string;
  table: Table;
  address: number;
  size: number;
  format: ValueFormat;
  /** Fixed exponent, or where the int16 exponent lives. */
  scaleFactor: number | { table: Table; address: number };
  multiplier: number;
  offset: number;
  bit?: number | undefined;
  sentinels: ReadonlySet<number>;
  /** Metric name on the wire, and the source point ("vendor.<profile>.<name>"). */
  metric: string;
  point: string;
  unit: string;
  identity?: ProfilePoint['identity'];
  alone: boolean;
}

export function compileProfile(profile: Profile): CompiledPoint[] {
  const d = profile.defaults;
  return profile.points.map((p) => {
    const table = p.table ?? d.table;
    const type = p.type ?? d.type;
    const bits = table === 'coil' || table === 'discrete';
    const point = `vendor.${profile.id}.${p.name}`;
    const metric = p.metric ?? point;
    return {
      name: p.name,
      table,
      address: p.address,
      size: bits ? 1 : registerCount(type, p.length),
      format: { type, byteOrder: p.byteOrder ?? d.byteOrder, wordOrder: p.wordOrder ?? d.wordOrder, length: p.length },
      scaleFactor: typeof p.scaleFactor === 'object' ? { table: p.scaleFactor.table ?? table, address: p.scaleFactor.address } : (p.scaleFactor ?? 0),
      multiplier: p.multiplier ?? 1,
      offset: p.offset ?? 0,
      bit: p.bit,
      sentinels: new Set(p.sentinels ?? []),
      metric,
      point,
      unit: p.unit ?? metricDefinition(metric)?.unit ?? '',
      identity: p.identity,
      alone: p.alone ?? false,
    };
  });
}

/** The registers a point needs in one request: its value and, when it has one, its scale-factor register. */
export function pointSpan(p: CompiledPoint): Span<CompiledPoint> {
  let start = p.address;
  let end = p.address + p.size;
  if (typeof p.scaleFactor === 'object' && p.scaleFactor.table === p.table) {
    start = Math.min(start, p.scaleFactor.address);
    end = Math.max(end, p.scaleFactor.address + 1);
  }
  return { key: p, table: p.table, start, end, alone: p.alone };
}

/** Registers of one read: address -> word. */
export type RegisterLookup = (address: number) => number | undefined;

/**
 * The point's engineering value from the registers of one read: null when
 * the raw value is a sentinel, not a finite number, or its scale factor is
 * "not implemented" (0x8000) or out of range. Strings come back as text.
 */
export function decodePoint(p: CompiledPoint, registers: RegisterLookup): number | string | null {
  const words: number[] = [];
  for (let i = 0; i < p.size; i++) {
    const w = registers(p.address + i);
    if (w === undefined) return null;
    words.push(w);
  }
  const raw = decodeRaw(p.format, words);
  if (raw === null || typeof raw === 'string') return raw;
  const unsigned = unsignedRaw(p.format, words);
  if (unsigned !== undefined && p.sentinels.has(unsigned)) return null;
  let value = raw;
  if (p.bit !== undefined) return Math.floor(value / 2 ** p.bit) % 2;
  let sf = 0;
  if (typeof p.scaleFactor === 'number') sf = p.scaleFactor;
  else {
    const word = registers(p.scaleFactor.address);
    if (word === undefined || word === 0x8000) return null;
    sf = word >= 0x8000 ? word - 0x10000 : word;
    if (!isValidScaleFactor(sf)) return null;
  }
  value = applyScaleFactor(value, sf);
  return value * p.multiplier + p.offset;
}
