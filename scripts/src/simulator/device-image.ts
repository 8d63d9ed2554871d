import { layoutModel, type ModelDefinition, type ModelLayout, type PointLayout } from './model-definition.js';
import { decodePoint, encodePoint, registerCount, type PointValue } from './sunspec-types.js';

/** Where SunSpec maps usually start (pysunspec2 also scans 0 and 50000). */
export const SUNSPEC_BASE_ADDRESS = 40000;
/** 'SunS' as two registers. */
export const SUNSPEC_MARKER = [0x5375, 0x6e53] as const;
/** The end marker's model ID; its length is 0. */
export const SUNSPEC_END_ID = 0xffff;

export interface ModelEntry {
  readonly definition: ModelDefinition;
  /** Raw (unscaled) point values; unlisted points hold the "not implemented" sentinel. ID and L are filled in. */
  readonly values?: Readonly<Record<string, PointValue | null>>;
}

export interface PlacedModel {
  readonly layout: ModelLayout;
  /** Address of the model's ID register. */
  readonly address: number;
}

export class DeviceImageError extends Error {
  readonly code = 'SUNSPEC_DEVICE_IMAGE';
}

/**
 * A SunSpec device's register map as plain data: 'SunS', the models in order,
 * then the end marker (ID 0xFFFF, L 0). It knows nothing of Modbus framing, so
 * a TCP server, an RTU-over-pty server or a test can all serve or inspect it.
 */
export class SunSpecDeviceImage {
  readonly baseAddress: number;
  readonly models: readonly PlacedModel[];
  readonly #registers: Uint16Array;
  readonly #byId = new Map<number, PlacedModel>();

  constructor(baseAddress: number, models: readonly PlacedModel[], registers: Uint16Array) {
    this.baseAddress = baseAddress;
    this.models = models;
    this.#registers = registers;
    for (const m of models) if (!this.#byId.has(m.layout.id)) this.#byId.set(m.layout.id, m);
  }

  /** Number of registers, from 'SunS' through the end marker. */
  get length(): number {
    return this.#registers.length;
  }

  /** True when [address, address + count) lies inside the map. */
  contains(address: number, count: number): boolean {
    return (
      Number.isInteger(address) &&
      Number.isInteger(count) &&
      count > 0 &&
      address >= this.baseAddress &&
      address + count <= this.baseAddress + this.#registers.length
    );
  }

  /** A copy of `count` registers from `address`; throws RangeError outside the map. */
  read(address: number, count: number): Uint16Array {
    if (!this.contains(address, count)) {
      throw new RangeError(`registers ${address}..${address + count - 1} are outside ${this.baseAddress}..${this.baseAddress + this.#registers.length - 1}`);
    }
    const start = address - this.baseAddress;
    return this.#registers.slice(start, start + count);
  }

  /** The first model with this ID. */
  model(modelId: number): PlacedModel {
    const m = this.#byId.get(modelId);
    if (!m) throw new DeviceImageError(`the image has no model ${modelId}`);
    return m;
  }

  pointAddress(modelId: number, name: string): number {
    const { address, point } = this.#point(modelId, name);
    return address + point.offset;
  }

  /** Writes a raw (unscaled) value; null writes the "not implemented" sentinel. */
  setPoint(modelId: number, name: string, value: PointValue | null): void {
    const { address, point } = this.#point(modelId, name);
    if (point.name === 'ID' || point.name === 'L') throw new DeviceImageError(`model ${modelId} ${name} is fixed by the layout`);
    this.#write(address, point, value);
  }

  setPoints(modelId: number, values: Readonly<Record<string, PointValue | null>>): void {
    for (const [name, value] of Object.entries(values)) this.setPoint(modelId, name, value);
  }

  /** The raw value, or null when the point holds its "not implemented" sentinel. */
  getPoint(modelId: number, name: string): PointValue | null {
    const { address, point } = this.#point(modelId, name);
    const start = address - this.baseAddress + point.offset;
    return decodePoint(point.type, this.#registers.subarray(start, start + registerCount(point.type, point.size)));
  }

  /** The scale factor exponent that applies to a point: 0 without one, null when its sunssf is not implemented. */
  scaleFactor(modelId: number, name: string): number | null {
    const { point } = this.#point(modelId, name);
    if (point.sf === undefined) return 0;
    if (typeof point.sf === 'number') return point.sf;
    const sf = this.getPoint(modelId, point.sf);
    return sf === null ? null : Number(sf);
  }

  /**
   * Writes an engineering value: raw = round(value / 10^sf) with the point's
   * current scale factor (set the sunssf point first). null writes the sentinel.
   */
  setScaled(modelId: number, name: string, value: number | null): void {
    if (value === null) return this.setPoint(modelId, name, null);
    const sf = this.scaleFactor(modelId, name);
    if (sf === null) throw new DeviceImageError(`model ${modelId} ${name}: its scale factor is not implemented`);
    const raw = Math.round(sf < 0 ? value * 10 ** -sf : value / 10 ** sf);
    this.setPoint(modelId, name, Object.is(raw, -0) ? 0 : raw);
  }

  /** The engineering value a correct decoder produces: raw × 10^sf, or null when either is not implemented. */
  getScaled(modelId: number, name: string): number | null {
    const raw = this.getPoint(modelId, name);
    const sf = this.scaleFactor(modelId, name);
    if (raw === null || sf === null || typeof raw === 'string') return null;
    return applyScaleFactor(Number(raw), sf);
  }

  #point(modelId: number, name: string): { address: number; point: PointLayout } {
    const m = this.model(modelId);
    const point = m.layout.byName.get(name);
    if (!point) throw new DeviceImageError(`model ${modelId} has no point ${name}`);
    return { address: m.address, point };
  }

  #write(modelAddress: number, point: PointLayout, value: PointValue | null): void {
    const regs = encodePoint(point.type, point.size, value);
    this.#registers.set(regs, modelAddress - this.baseAddress + point.offset);
  }
}

/** raw × 10^sf, computed so that e.g. 2301 with sf -1 gives exactly 230.1. */
export function applyScaleFactor(raw: number, sf: number): number {
  return sf < 0 ? raw / 10 ** -sf : raw * 10 ** sf;
}

/**
 * Builds a device image from model definitions and raw values. Pure: same
 * input, same registers. Model 1 (common) should come first, as SunSpec requires.
 */
export function buildDeviceImage(
  models: readonly ModelEntry[],
  opts: { baseAddress?: number } = {},
): SunSpecDeviceImage {
  const baseAddress = opts.baseAddress ?? SUNSPEC_BASE_ADDRESS;
  const layouts = models.map((m) => layoutModel(m.definition));
  const total = 2 + layouts.reduce((n, l) => n + 2 + l.length, 0) + 2;
  if (baseAddress < 0 || baseAddress + total > 0x10000) {
    throw new DeviceImageError(`a ${total}-register map does not fit at base address ${baseAddress}`);
  }
  const registers = new Uint16Array(total);
  registers.set(SUNSPEC_MARKER, 0);
  const placed: PlacedModel[] = [];
  let at = 2;
  for (const layout of layouts) {
    placed.push({ layout, address: baseAddress + at });
    at += 2 + layout.length;
  }
  registers.set([SUNSPEC_END_ID, 0], at);

  const image = new SunSpecDeviceImage(baseAddress, placed, registers);
  placed.forEach((p, i) => {
    const start = p.address - baseAddress;
    registers.set([p.layout.id, p.layout.length], start);
    for (const point of p.layout.points) {
      if (point.name === 'ID' || point.name === 'L') continue;
      registers.set(encodePoint(point.type, point.size, null), start + point.offset);
    }
    for (const [name, value] of Object.entries(models[i]?.values ?? {})) {
      const point = p.layout.byName.get(name);
      if (!point) throw new DeviceImageError(`model ${p.layout.id} has no point ${name}`);
      if (name === 'ID' || name === 'L') throw new DeviceImageError(`model ${p.layout.id} ${name} is fixed by the layout`);
      registers.set(encodePoint(point.type, point.size, value), start + point.offset);
    }
  });
  return image;
}
