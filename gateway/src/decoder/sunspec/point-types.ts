/**
 * Decoding of one SunSpec point from its registers (big-endian words,
 * big-endian word order). "Not implemented" sentinels decode to null, as the
 * SunSpec information model specifies (values as in pysunspec2's mb.py).
 */
export type PointValue = number | string | null;

/** Types whose value is an integer that a scale factor applies to. */
export const SCALABLE_TYPES: ReadonlySet<string> = new Set([
  'int16', 'uint16', 'count', 'acc16', 'int32', 'uint32', 'acc32', 'int64', 'uint64', 'acc64',
]);

/** Types whose value is a number (everything else is text or nothing). */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  ...SCALABLE_TYPES, 'enum16', 'enum32', 'bitfield16', 'bitfield32', 'sunssf', 'float32', 'float64',
]);

function bytesOf(words: ArrayLike<number>): DataView {
  const view = new DataView(new ArrayBuffer(words.length * 2));
  for (let i = 0; i < words.length; i++) view.setUint16(i * 2, (words[i] ?? 0) & 0xffff);
  return view;
}

const bigToNumber = (value: bigint): number => Number(value);

/** Decodes a point of `type` from exactly its registers; null when not implemented or not decodable. */
export function decodePointValue(type: string, words: ArrayLike<number>): PointValue {
  const view = bytesOf(words);
  const need = (n: number) => words.length >= n;
  switch (type) {
    case 'int16':
    case 'sunssf': {
      if (!need(1)) return null;
      const v = view.getInt16(0);
      return v === -0x8000 ? null : v;
    }
    case 'uint16':
    case 'count':
    case 'enum16':
    case 'bitfield16': {
      if (!need(1)) return null;
      const v = view.getUint16(0);
      return v === 0xffff ? null : v;
    }
    case 'acc16': {
      if (!need(1)) return null;
      const v = view.getUint16(0);
      return v === 0 ? null : v;
    }
    case 'int32': {
      if (!need(2)) return null;
      const v = view.getInt32(0);
      return v === -0x80000000 ? null : v;
    }
    case 'uint32':
    case 'enum32':
    case 'bitfield32': {
      if (!need(2)) return null;
      const v = view.getUint32(0);
      return v === 0xffffffff ? null : v;
    }
    case 'acc32': {
      if (!need(2)) return null;
      const v = view.getUint32(0);
      return v === 0 ? null : v;
    }
    case 'int64': {
      if (!need(4)) return null;
      const v = view.getBigInt64(0);
      return v === -0x8000000000000000n ? null : bigToNumber(v);
    }
    case 'uint64': {
      if (!need(4)) return null;
      const v = view.getBigUint64(0);
      return v === 0xffffffffffffffffn ? null : bigToNumber(v);
    }
    case 'acc64': {
      if (!need(4)) return null;
      const v = view.getBigUint64(0);
      return v === 0n ? null : bigToNumber(v);
    }
    case 'float32': {
      if (!need(2)) return null;
      const v = view.getFloat32(0);
      return Number.isFinite(v) ? v : null;
    }
    case 'float64': {
      if (!need(4)) return null;
      const v = view.getFloat64(0);
      return Number.isFinite(v) ? v : null;
    }
    case 'string':
      return decodeString(view, words.length * 2);
    case 'ipaddr': {
      if (!need(2)) return null;
      const v = view.getUint32(0);
      return v === 0 ? null : [24, 16, 8, 0].map((shift) => (v >>> shift) & 0xff).join('.');
    }
    case 'ipv6addr': {
      if (!need(8) || isAll(view, 16, 0)) return null;
      const parts: string[] = [];
      for (let i = 0; i < 8; i++) parts.push(view.getUint16(i * 2).toString(16));
      return parts.join(':');
    }
    case 'eui48': {
      // 4 registers: 2 bytes of padding, then the 6-byte address.
      if (!need(4)) return null;
      const bytes: number[] = [];
      for (let i = 2; i < 8; i++) bytes.push(view.getUint8(i));
      if (bytes.every((b) => b === 0xff) || bytes.every((b) => b === 0)) return null;
      return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    }
    default:
      // pad, and types this gateway does not know: no value.
      return null;
  }
}

function isAll(view: DataView, length: number, byte: number): boolean {
  for (let i = 0; i < length; i++) if (view.getUint8(i) !== byte) return false;
  return true;
}

function decodeString(view: DataView, length: number): string | null {
  if (length === 0 || view.getUint8(0) === 0) return null;
  const bytes = new Uint8Array(view.buffer, 0, length);
  const end = bytes.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end === -1 ? bytes : bytes.subarray(0, end)).trimEnd();
  return text === '' ? null : text;
}

/** SunSpec allows scale factors -10..10; anything else is garbage and scales nothing. */
export function isValidScaleFactor(sf: number): boolean {
  return Number.isInteger(sf) && sf >= -10 && sf <= 10;
}

/** raw * 10^sf, dividing for negative exponents so 2345 @ -1 is exactly 234.5. */
export function applyScaleFactor(raw: number, sf: number): number {
  if (sf === 0) return raw;
  return sf > 0 ? raw * 10 ** sf : raw / 10 ** -sf;
}
