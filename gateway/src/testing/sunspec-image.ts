import type { ModelDefinition } from '../decoder/sunspec/definition.js';
import { layoutModel } from '../decoder/sunspec/layout.js';

/**
 * Test support: builds SunSpec register blocks and whole device images from
 * the model definitions, so tests speak the same register map as devices.
 */
export type RawValue = number | bigint | string;

const UNIMPLEMENTED: Record<string, number[]> = {
  int16: [0x8000], sunssf: [0x8000], uint16: [0xffff], count: [0xffff], enum16: [0xffff], bitfield16: [0xffff], acc16: [0],
  int32: [0x8000, 0], uint32: [0xffff, 0xffff], enum32: [0xffff, 0xffff], bitfield32: [0xffff, 0xffff], acc32: [0, 0],
  float32: [0x7fc0, 0], pad: [0x8000], ipaddr: [0, 0],
  int64: [0x8000, 0, 0, 0], uint64: [0xffff, 0xffff, 0xffff, 0xffff], acc64: [0, 0, 0, 0], float64: [0x7ff8, 0, 0, 0],
};

/** Registers for one point value of `type` and `size` (big-endian words). */
export function encodePoint(type: string, size: number, value: RawValue | undefined): number[] {
  if (value === undefined) return UNIMPLEMENTED[type] ?? new Array<number>(size).fill(0);
  const view = new DataView(new ArrayBuffer(size * 2));
  if (type === 'string') {
    const bytes = new TextEncoder().encode(String(value));
    bytes.slice(0, size * 2).forEach((b, i) => view.setUint8(i, b));
  } else if (type === 'float32') view.setFloat32(0, Number(value));
  else if (type === 'float64') view.setFloat64(0, Number(value));
  else if (size === 4) view.setBigUint64(0, BigInt.asUintN(64, BigInt(value)));
  else if (size === 2) view.setUint32(0, Number(value) >>> 0);
  else view.setUint16(0, Number(value) & 0xffff);
  return Array.from({ length: size }, (_, i) => view.getUint16(i * 2));
}

/** Number of registers after ID and L when no repeating group is present. */
export function definitionLength(definition: ModelDefinition): number {
  const layout = layoutModel(definition, 65_000);
  const last = layout.slots[layout.slots.length - 1];
  return last ? last.offset + last.size - 2 : 0;
}

/**
 * One model block: [ID, L, ...]. `values` are raw register values by point
 * path (before scaling); points not given are "not implemented".
 */
export function encodeModel(definition: ModelDefinition, values: Record<string, RawValue>, length = definitionLength(definition)): number[] {
  const block: Array<number | undefined> = new Array<number | undefined>(length + 2).fill(undefined);
  block[0] = definition.id;
  block[1] = length;
  for (;;) {
    const layout = layoutModel(definition, length, block);
    let wrote = false;
    for (const slot of layout.slots) {
      if (block[slot.offset] !== undefined) continue;
      encodePoint(slot.point.type, slot.size, values[slot.path]).forEach((w, i) => (block[slot.offset + i] = w));
      wrote = true;
    }
    if (layout.complete || !wrote) break;
  }
  return block.map((w) => w ?? 0);
}

/** A device image: "SunS" at `base`, the given model blocks, then the 0xFFFF end marker. */
export function buildImage(blocks: number[][], base = 40000): Map<number, number> {
  const registers = new Map<number, number>();
  const words = [0x5375, 0x6e53, ...blocks.flat(), 0xffff, 0];
  words.forEach((w, i) => registers.set(base + i, w));
  return registers;
}
