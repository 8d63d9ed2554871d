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

/** A safe integer as int64 (two's complement, big-endian). */
function writeInt64(buf: Buffer, at: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(n - hi * TWO_32, at + 4);
}

/**
 * `values` as a binary array of `kind`. Integers must be safe integers;
 * timestamptz values are epoch milliseconds (stored as microseconds since
 * 2000-01-01, exact to the millisecond).
 */
export function binaryArray(kind: ElementKind, values: ArrayLike<number>): Buffer {
  const { oid, size } = ELEMENT[kind];
  const n = values.length;
  const buf = Buffer.allocUnsafe(HEADER + n * (4 + size));
  buf.writeInt32BE(1, 0);
  buf.writeInt32BE(0, 4);
  buf.writeInt32BE(oid, 8);
  buf.writeInt32BE(n, 12);
  buf.writeInt32BE(1, 16);
  let at = HEADER;
  for (let i = 0; i < n; i++) {
    buf.writeInt32BE(size, at);
    at += 4;
    const v = values[i]!;
    switch (kind) {
      case 'int2':
        buf.writeInt16BE(v, at);
        break;
      case 'int8':
        writeInt64(buf, at, v);
        break;
      case 'float8':
        buf.writeDoubleBE(v, at);
        break;
      case 'timestamptz':
        writeInt64(buf, at, (v - PG_EPOCH_MS) * 1000);
        break;
    }
    at += size;
  }
  return buf;
}
