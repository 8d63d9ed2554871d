/**
 * Decoding of one value from Modbus registers, for vendor register maps.
 * Registers are 16-bit words; a map says how the bytes inside a word
 * (byteOrder) and the words inside a value (wordOrder) are ordered. "big"
 * for both is the Modbus convention (ABCD); word order "little" is the
 * common CDAB; byte order "little" gives BADC, both "little" DCBA.
 * Pure: no I/O.
 */
export const VALUE_TYPES = [
  'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64',
  'string', 'bitfield16', 'bitfield32', 'enum16', 'enum32', 'bool',
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];
export type Order = 'big' | 'little';

export interface ValueFormat {
  type: ValueType;
  byteOrder: Order;
  wordOrder: Order;
  /** Registers of a string. */
  length?: number | undefined;
}

/** Registers a value takes (coils and discrete inputs: one bit). */
export function registerCount(type: ValueType, length = 1): number {
  switch (type) {
    case 'int32': case 'uint32': case 'float32': case 'bitfield32': case 'enum32':
      return 2;
    case 'int64': case 'uint64': case 'float64':
      return 4;
    case 'string':
      return length;
    default:
      return 1;
  }
}

/** The value's bytes in big-endian order (most significant first), whatever order the device uses. */
export function canonicalBytes(words: ArrayLike<number>, byteOrder: Order, wordOrder: Order): Uint8Array {
  const n = words.length;
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    const word = (words[wordOrder === 'big' ? i : n - 1 - i] ?? 0) & 0xffff;
    const hi = word >>> 8;
    const lo = word & 0xff;
    out[i * 2] = byteOrder === 'big' ? hi : lo;
    out[i * 2 + 1] = byteOrder === 'big' ? lo : hi;
  }
  return out;
}

/**
 * The raw value (before scaling): a number, a string, or null for values
 * that cannot be a measurement (NaN and infinities, an empty string).
 * Strings keep their byte order per word and ignore word order (text is
 * always read first character first).
 */
export function decodeRaw(format: ValueFormat, words: ArrayLike<number>): number | string | null {
  if (format.type === 'string') return decodeText(canonicalBytes(words, format.byteOrder, 'big'));
  const bytes = canonicalBytes(words, format.byteOrder, format.wordOrder);
  const view = new DataView(bytes.buffer);
  switch (format.type) {
    case 'bool':
      return (words[0] ?? 0) ? 1 : 0;
    case 'int16':
      return view.getInt16(0);
    case 'uint16': case 'bitfield16': case 'enum16':
      return view.getUint16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32': case 'bitfield32': case 'enum32':
      return view.getUint32(0);
    case 'int64':
      return Number(view.getBigInt64(0));
    case 'uint64':
      return Number(view.getBigUint64(0));
    case 'float32': {
      const v = view.getFloat32(0);
      return Number.isFinite(v) ? v : null;
    }
    case 'float64': {
      const v = view.getFloat64(0);
      return Number.isFinite(v) ? v : null;
    }
  }
}

function decodeText(bytes: Uint8Array): string | null {
  const end = bytes.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end === -1 ? bytes : bytes.subarray(0, end)).trim();
  return text === '' ? null : text;
}

/**
 * The register content of a "not implemented" value, as an unsigned number
 * of the type's width, so a sentinel list in a profile can say 0xFFFF or
 * 0x8000 for 16-bit points and 0xFFFFFFFF for 32-bit ones.
 */
export function unsignedRaw(format: ValueFormat, words: ArrayLike<number>): number | undefined {
  if (format.type === 'string' || format.type === 'float32' || format.type === 'float64') return undefined;
  const bytes = canonicalBytes(words, format.byteOrder, format.wordOrder);
  const view = new DataView(bytes.buffer);
  switch (registerCount(format.type)) {
    case 1: return view.getUint16(0);
    case 2: return view.getUint32(0);
    default: return Number(view.getBigUint64(0));
  }
}
