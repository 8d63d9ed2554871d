import type { RegisterSpace } from './modbus-pdu.js';

/**
 * A register space from a plain map: addresses not in the map are holes and
 * answer exception 0x02 (illegal data address), as real devices do for
 * registers they do not implement. `input` (function 4) may differ from the
 * holding registers (function 3).
 */
export class MapRegisterSpace implements RegisterSpace {
  readonly registers: Map<number, number>;
  readonly input?: MapRegisterSpace | undefined;

  constructor(registers: Map<number, number> = new Map(), input?: Map<number, number>) {
    this.registers = registers;
    if (input) this.input = new MapRegisterSpace(input);
  }

  contains(address: number, count: number): boolean {
    for (let a = address; a < address + count; a++) if (!this.registers.has(a)) return false;
    return count > 0;
  }

  read(address: number, count: number): Uint16Array {
    return Uint16Array.from({ length: count }, (_, i) => this.registers.get(address + i) ?? 0);
  }

  /** Writes consecutive registers from `address`. */
  set(address: number, words: ArrayLike<number>): void {
    for (let i = 0; i < words.length; i++) this.registers.set(address + i, (words[i] ?? 0) & 0xffff);
  }
}

/** Registers of a float32 value, high word first (IEEE 754, big-endian). */
export function float32Words(value: number): [number, number] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return [view.getUint16(0), view.getUint16(2)];
}
