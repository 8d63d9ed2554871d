/**
 * SunSpec point types: how many registers each takes, how a value is laid out
 * in them (big-endian bytes, high word first) and the "not implemented"
 * sentinel a device presents for a point it does not fill.
 *
 * Sentinels follow the SunSpec model specification (and pysunspec2):
 * int16 0x8000, uint16/enum16/bitfield16 0xFFFF, acc16 0, sunssf 0x8000,
 * pad 0x8000, int32 0x80000000, uint32/enum32/bitfield32 0xFFFFFFFF, acc32 0,
 * int64 0x8000000000000000, uint64/bitfield64 0xFFFFFFFFFFFFFFFF, acc64 0,
 * float32/float64 NaN (0x7FC00000 / 0x7FF8000000000000), string all NUL,
 * ipaddr/ipv6addr 0, eui48 all 0xFF.
 */

export const SUNSPEC_POINT_TYPES = [
  'int16',
  'uint16',
  'acc16',
  'enum16',
  'bitfield16',
  'raw16',
  'sunssf',
  'count',
  'pad',
  'int32',
  'uint32',
  'acc32',
  'enum32',
  'bitfield32',
  'float32',
  'ipaddr',
  'int64',
  'uint64',
  'acc64',
  'bitfield64',
  'float64',
  'eui48',
  'ipv6addr',
  'string',
] as const;

export type SunSpecPointType = (typeof SUNSPEC_POINT_TYPES)[number];

/** A raw (unscaled) point value: number for up to 32 bits and floats, bigint for 64 bits and wider, string for strings. */
export type PointValue = number | bigint | string;

interface IntegerType {
  kind: 'int';
  registers: number;
  signed: boolean;
  /** The "not implemented" value, as the unsigned register content. */
  sentinel: bigint;
  /** Accumulators use 0 as sentinel: 0 is still a value a caller may write. */
  sentinelWritable: boolean;
  /** Inclusive range of accepted values, when narrower than the type's bits (sunssf). */
  range?: readonly [bigint, bigint];
}

interface FloatType {
  kind: 'float';
  registers: 2 | 4;
}

interface StringType {
  kind: 'string';
}

type TypeInfo = IntegerType | FloatType | StringType;

const u = (registers: number, sentinel: bigint, sentinelWritable = false): IntegerType => ({
  kind: 'int',
  registers,
  signed: false,
  sentinel,
  sentinelWritable,
});
const s = (registers: number): IntegerType => ({
  kind: 'int',
  registers,
  signed: true,
  sentinel: 1n << BigInt(registers * 16 - 1),
  sentinelWritable: false,
});
const ones = (registers: number): bigint => (1n << BigInt(registers * 16)) - 1n;

const TYPES: Record<SunSpecPointType, TypeInfo> = {
  int16: s(1),
  uint16: u(1, ones(1)),
  acc16: u(1, 0n, true),
  enum16: u(1, ones(1)),
  bitfield16: u(1, ones(1)),
  raw16: u(1, ones(1)),
  sunssf: { ...s(1), range: [-10n, 10n] },
  count: u(1, 0n, true),
  pad: s(1),
  int32: s(2),
  uint32: u(2, ones(2)),
  acc32: u(2, 0n, true),
  enum32: u(2, ones(2)),
  bitfield32: u(2, ones(2)),
  float32: { kind: 'float', registers: 2 },
  ipaddr: u(2, 0n, true),
  int64: s(4),
  uint64: u(4, ones(4)),
  acc64: u(4, 0n, true),
  bitfield64: u(4, ones(4)),
  float64: { kind: 'float', registers: 4 },
  eui48: u(4, ones(4)),
  ipv6addr: u(8, 0n, true),
  string: { kind: 'string' },
};

export function isPointType(type: string): type is SunSpecPointType {
  return Object.hasOwn(TYPES, type);
}

/** Registers a point occupies; `size` (from the model definition) is used for strings. */
export function registerCount(type: SunSpecPointType, size: number): number {
  const info = TYPES[type];
  return info.kind === 'string' ? size : info.registers;
}

/** True for types whose raw value is a bigint (more than 32 bits). */
export function isWideType(type: SunSpecPointType): boolean {
  const info = TYPES[type];
  return info.kind === 'int' && info.registers > 2;
}

/** The registers of the "not implemented" value. */
export function notImplementedRegisters(type: SunSpecPointType, size: number): number[] {
  const info = TYPES[type];
  if (info.kind === 'string') return new Array<number>(size).fill(0);
  if (info.kind === 'float') return info.registers === 2 ? [0x7fc0, 0] : [0x7ff8, 0, 0, 0];
  return bigintToRegisters(info.sentinel, info.registers);
}

export class PointEncodingError extends RangeError {
  readonly code = 'SUNSPEC_POINT_ENCODING';
}

/**
 * Encodes a raw value into registers. `null` gives the "not implemented"
 * sentinel. Throws PointEncodingError for a value the type cannot hold, and
 * for a value that would read back as "not implemented" (except accumulators,
 * whose sentinel 0 is also a plain count).
 */
export function encodePoint(type: SunSpecPointType, size: number, value: PointValue | null): number[] {
  if (value === null) return notImplementedRegisters(type, size);
  const info = TYPES[type];
  if (info.kind === 'string') return encodeString(size, value);
  if (info.kind === 'float') {
    if (typeof value !== 'number') throw new PointEncodingError(`${type} needs a number, got ${typeof value}`);
    return encodeFloat(info.registers, value);
  }
  return encodeInteger(type, info, value);
}

/** Decodes registers into a raw value, or `null` for the "not implemented" sentinel. */
export function decodePoint(type: SunSpecPointType, registers: ArrayLike<number>): PointValue | null {
  const info = TYPES[type];
  if (info.kind === 'string') {
    let text = '';
    for (let i = 0; i < registers.length; i++) {
      const r = registers[i] ?? 0;
      text += String.fromCharCode(r >> 8, r & 0xff);
    }
    const end = text.indexOf('\0');
    const trimmed = end === -1 ? text : text.slice(0, end);
    return trimmed.length === 0 ? null : trimmed;
  }
  const bytes = registersToBytes(registers, info.registers);
  const view = new DataView(bytes.buffer);
  if (info.kind === 'float') {
    const v = info.registers === 2 ? view.getFloat32(0) : view.getFloat64(0);
    return Number.isNaN(v) ? null : v;
  }
  let raw = 0n;
  for (const b of bytes) raw = (raw << 8n) | BigInt(b);
  if (raw === info.sentinel) return null;
  const bits = BigInt(info.registers * 16);
  const signed = info.signed && raw >= 1n << (bits - 1n) ? raw - (1n << bits) : raw;
  return info.registers > 2 ? signed : Number(signed);
}

function encodeInteger(type: SunSpecPointType, info: IntegerType, value: PointValue): number[] {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
  else throw new PointEncodingError(`${type} needs an integer, got ${JSON.stringify(value)}`);
  const bits = BigInt(info.registers * 16);
  const [min, max] = info.range ?? (info.signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n]);
  if (v < min || v > max) throw new PointEncodingError(`${type} value ${v} is outside ${min}..${max}`);
  const unsigned = v < 0n ? v + (1n << bits) : v;
  if (unsigned === info.sentinel && !info.sentinelWritable) {
    throw new PointEncodingError(`${type} value ${v} is the "not implemented" sentinel; pass null instead`);
  }
  return bigintToRegisters(unsigned, info.registers);
}

function encodeFloat(registers: 2 | 4, value: number): number[] {
  if (Number.isNaN(value)) throw new PointEncodingError('NaN is the "not implemented" sentinel; pass null instead');
  const view = new DataView(new ArrayBuffer(registers * 2));
  if (registers === 2) view.setFloat32(0, value);
  else view.setFloat64(0, value);
  const out: number[] = [];
  for (let i = 0; i < registers; i++) out.push(view.getUint16(i * 2));
  return out;
}

function encodeString(size: number, value: PointValue): number[] {
  if (typeof value !== 'string') throw new PointEncodingError(`string needs a string, got ${typeof value}`);
  if (value.length > size * 2) {
    throw new PointEncodingError(`string ${JSON.stringify(value)} is longer than ${size * 2} characters`);
  }
  if (!/^[\x01-\x7f]*$/.test(value)) {
    throw new PointEncodingError(`string ${JSON.stringify(value)} must be ASCII without NUL`);
  }
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    const hi = i * 2 < value.length ? value.charCodeAt(i * 2) : 0;
    const lo = i * 2 + 1 < value.length ? value.charCodeAt(i * 2 + 1) : 0;
    out.push((hi << 8) | lo);
  }
  return out;
}

function bigintToRegisters(v: bigint, registers: number): number[] {
  const out: number[] = [];
  for (let i = registers - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  return out;
}

function registersToBytes(registers: ArrayLike<number>, count: number): Uint8Array {
  if (registers.length !== count) {
    throw new PointEncodingError(`expected ${count} registers, got ${registers.length}`);
  }
  const bytes = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) {
    const r = registers[i] ?? 0;
    bytes[i * 2] = (r >> 8) & 0xff;
    bytes[i * 2 + 1] = r & 0xff;
  }
  return bytes;
}
