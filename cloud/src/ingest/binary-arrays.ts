/**
 * One-dimensional PostgreSQL arrays in the binary wire format (what
 * array_recv reads), for bulk parameters: node-postgres sends a Buffer
 * parameter as binary, so PostgreSQL neither parses number text nor calls
 * to_timestamp() per element. Layout: ndim, has-nulls flag, element type
 * OID, length, lower bound (int32 each), then per element its byte length
 * (int32) and its value, big-endian. No nulls.
 */
const HEADER = 20;

/** Element type OIDs (pg_type). */
export const ELEMENT = {
  int2: { oid: 21, size: 2 },
  int8: { oid: 20, size: 8 },
  float8: { oid: 701, size: 8 },
  timestamptz: { oid: 1184, size: 8 },
} as const;
export type ElementKind = keyof typeof ELEMENT;

/** Milliseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01 (UTC). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;

/**
 * `values` as a binary array of `kind`. Integers must be safe integers;
 * timestamptz values are epoch milliseconds (stored as microseconds since
 * 2000-01-01, exact to the millisecond). Written through a DataView, one
 * loop per type: about 5x faster than Buffer's write methods here.
 */
export function binaryArray(kind: ElementKind, values: ArrayLike<number>): Buffer {
  const { oid, size } = ELEMENT[kind];
  const n = values.length;
  const buf = Buffer.allocUnsafe(HEADER + n * (4 + size));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setInt32(0, 1);
  view.setInt32(4, 0);
  view.setInt32(8, oid);
  view.setInt32(12, n);
  view.setInt32(16, 1);
  let at = HEADER;
  switch (kind) {
    case 'int2':
      for (let i = 0; i < n; i++, at += 6) {
        view.setInt32(at, 2);
        view.setInt16(at + 4, values[i]!);
      }
      break;
    case 'float8':
      for (let i = 0; i < n; i++, at += 12) {
        view.setInt32(at, 8);
        view.setFloat64(at + 4, values[i]!);
      }
      break;
    case 'int8':
      for (let i = 0; i < n; i++, at += 12) writeInt64(view, at, values[i]!);
      break;
    case 'timestamptz':
      for (let i = 0; i < n; i++, at += 12) writeInt64(view, at, (values[i]! - PG_EPOCH_MS) * 1000);
      break;
  }
  return buf;
}

/** Length 8, then a safe integer as int64 (two's complement, big-endian). */
function writeInt64(view: DataView, at: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  view.setInt32(at, 8);
  view.setInt32(at + 4, hi);
  view.setUint32(at + 8, n - hi * TWO_32);
}
