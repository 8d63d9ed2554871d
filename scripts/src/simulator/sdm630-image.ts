import { float32Words, MapRegisterSpace } from './register-space.js';

/**
 * An Eastron SDM630-like three-phase meter: input registers (function 4),
 * IEEE 754 float32, high word first, at the addresses of Eastron's
 * SDM630-Modbus manual (register 30001 = address 0x0000). Registers are
 * filled as the meter does: whole blocks, unused parameters read 0; between
 * blocks there is nothing (exception 0x02). `holes` removes registers, for
 * testing how a master copes with a refused address inside a merged read.
 */
export const SDM630_REGISTERS = {
  voltage_l1_n: 0x0000, voltage_l2_n: 0x0002, voltage_l3_n: 0x0004,
  current_l1: 0x0006, current_l2: 0x0008, current_l3: 0x000a,
  power_l1: 0x000c, power_l2: 0x000e, power_l3: 0x0010,
  current_sum: 0x0030, total_power: 0x0034, total_apparent_power: 0x0038, total_reactive_power: 0x003c,
  total_power_factor: 0x003e, frequency: 0x0046, import_energy: 0x0048, export_energy: 0x004a,
  voltage_l1_l2: 0x00c8, voltage_l2_l3: 0x00ca, voltage_l3_l1: 0x00cc, neutral_current: 0x00e0, total_energy: 0x0156,
} as const;
export type Sdm630Register = keyof typeof SDM630_REGISTERS;

/** Blocks of registers the meter answers (start, count). */
const BLOCKS: ReadonlyArray<[number, number]> = [[0x0000, 0x50], [0x00c8, 0x08], [0x00e0, 0x02], [0x0156, 0x02]];

export const SDM630_DEFAULTS: Readonly<Record<Sdm630Register, number>> = {
  voltage_l1_n: 230.1, voltage_l2_n: 229.5, voltage_l3_n: 231.2,
  current_l1: 5.25, current_l2: 4.5, current_l3: 3.75,
  power_l1: 1200, power_l2: 1000, power_l3: 850,
  current_sum: 13.5, total_power: 3050, total_apparent_power: 3150, total_reactive_power: -420,
  total_power_factor: 0.97, frequency: 50.01, import_energy: 1234.5, export_energy: 567.25,
  voltage_l1_l2: 398.5, voltage_l2_l3: 399.1, voltage_l3_l1: 400.2, neutral_current: 1.25, total_energy: 1801.75,
};

export class Sdm630Image extends MapRegisterSpace {
  constructor(values: Partial<Record<Sdm630Register, number>> = {}, holes: readonly number[] = []) {
    const input = new Map<number, number>();
    for (const [start, count] of BLOCKS) for (let a = start; a < start + count; a++) input.set(a, 0);
    super(new Map(), input);
    for (const [name, value] of Object.entries({ ...SDM630_DEFAULTS, ...values })) this.setValue(name as Sdm630Register, value);
    for (const hole of holes) input.delete(hole);
  }

  setValue(name: Sdm630Register, value: number): void {
    this.input!.set(SDM630_REGISTERS[name], float32Words(value));
  }
}
