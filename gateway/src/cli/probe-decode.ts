/**
 * `device probe`: one register pair read as every 32-bit type in all four
 * byte/word orders side by side, so an installer can spot the reading that
 * makes sense (a float read in the wrong order shows as 2.4e-41). Pure.
 */
export const WORD_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type WordOrder = (typeof WORD_ORDERS)[number];

export const ORDER_NAMES: Readonly<Record<WordOrder, string>> = {
  ABCD: 'big-endian',
  CDAB: 'word swap',
  BADC: 'byte swap',
  DCBA: 'little-endian',
};

export const PAIR_TYPES = ['float32', 'uint32', 'int32'] as const;
export type PairType = (typeof PAIR_TYPES)[number];

export interface DecodedPair {
  /** Address of the first register. */
  address: number;
  registers: [number, number];
  /** Each 16-bit register alone. */
  uint16: [number, number];
  int16: [number, number];
  /** The pair as text (two characters a register), non-printable shown as ".". */
  ascii: string;
  values: Record<PairType, Record<WordOrder, number>>;
}

/** The four bytes of a pair in the given order, A B C D being the bytes as they came off the wire. */
export function orderBytes(high: number, low: number, order: WordOrder): Buffer {
  const wire = [high >> 8, high & 0xff, low >> 8, low & 0xff];
  const index = { A: 0, B: 1, C: 2, D: 3 } as const;
  return Buffer.from([...order].map((letter) => wire[index[letter as keyof typeof index]]!));
}

export function decodePair(address: number, high: number, low: number): DecodedPair {
  const values = {} as Record<PairType, Record<WordOrder, number>>;
  for (const type of PAIR_TYPES) values[type] = {} as Record<WordOrder, number>;
  for (const order of WORD_ORDERS) {
    const bytes = orderBytes(high, low, order);
    values.float32[order] = bytes.readFloatBE(0);
    values.uint32[order] = bytes.readUInt32BE(0);
    values.int32[order] = bytes.readInt32BE(0);
  }
  const s16 = (v: number) => (v >= 0x8000 ? v - 0x10000 : v);
  const ascii = [high >> 8, high & 0xff, low >> 8, low & 0xff].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return { address, registers: [high, low], uint16: [high, low], int16: [s16(high), s16(low)], ascii, values };
}

/** Every consecutive pair (overlapping: both alignments are shown). */
export function decodeRegisterPairs(start: number, registers: readonly number[]): DecodedPair[] {
  const pairs: DecodedPair[] = [];
  for (let i = 0; i + 1 < registers.length; i++) pairs.push(decodePair(start + i, registers[i]!, registers[i + 1]!));
  return pairs;
}

/** A number short enough for a table cell: integers as they are, floats to 7 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e12) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(7)));
}

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The text `device probe` prints for one pair. */
export function formatPair(pair: DecodedPair): string {
  const w = 16;
  const lines = [
    `${pair.address}-${pair.address + 1}  ${hex(pair.registers[0])} ${hex(pair.registers[1])}  uint16 ${pair.uint16[0]}, ${pair.uint16[1]}  int16 ${pair.int16[0]}, ${pair.int16[1]}  text "${pair.ascii}"`,
    `  ${pad('', 8)}${WORD_ORDERS.map((o) => pad(`${o} ${ORDER_NAMES[o]}`, w + 4)).join('')}`.trimEnd(),
    ...PAIR_TYPES.map((type) => `  ${pad(type, 8)}${WORD_ORDERS.map((o) => pad(formatNumber(pair.values[type][o]), w + 4)).join('')}`.trimEnd()),
  ];
  return lines.join('\n');
}
