import type { ModelDefinition } from './definition.js';
import { layoutModel, type PointSlot } from './layout.js';
import { applyScaleFactor, decodePointValue, isValidScaleFactor, SCALABLE_TYPES, type PointValue } from './point-types.js';

export interface DecodedPoint {
  /** "W", or "module.2.DCA" inside a repeating group. */
  path: string;
  name: string;
  type: string;
  /** SunSpec unit as in the definition ("A", "C", "Pct"...). */
  units?: string | undefined;
  /** The scaled value; null when not implemented, or when its scale factor is not. */
  value: PointValue;
}

export interface DecodedModel {
  id: number;
  /** The model length the device reported (L). */
  length: number;
  /** Every point of the block by path. */
  points: Record<string, PointValue>;
  details: DecodedPoint[];
}

function wordsOf(registers: ArrayLike<number>, slot: PointSlot): number[] {
  return Array.from({ length: slot.size }, (_, i) => registers[slot.offset + i] ?? 0);
}

function scaleFactorOf(slot: PointSlot, registers: ArrayLike<number>): number | null {
  const sf = slot.point.sf;
  if (sf === undefined) return 0;
  if (typeof sf === 'number') return sf;
  if (!slot.sfSlot) return null;
  const value = decodePointValue('sunssf', wordsOf(registers, slot.sfSlot));
  return typeof value === 'number' && isValidScaleFactor(value) ? value : null;
}

/**
 * Decodes one model's register block: registers[0] is the model ID, [1] is
 * L, then L registers. A shorter block (or a smaller L than the definition)
 * leaves the missing points out; a longer one is decoded as far as the
 * definition goes. Pure: no I/O.
 */
export function decodeModel(definition: ModelDefinition, registers: Uint16Array | readonly number[]): DecodedModel {
  const reported = registers[1] ?? 0;
  const length = Math.max(0, Math.min(reported, registers.length - 2));
  const layout = layoutModel(definition, length, registers);
  const points: Record<string, PointValue> = {};
  const details: DecodedPoint[] = [];
  for (const slot of layout.slots) {
    let value = decodePointValue(slot.point.type, wordsOf(registers, slot));
    if (typeof value === 'number' && SCALABLE_TYPES.has(slot.point.type) && slot.point.sf !== undefined) {
      const sf = scaleFactorOf(slot, registers);
      value = sf === null ? null : applyScaleFactor(value, sf);
    }
    points[slot.path] = value;
    details.push({ path: slot.path, name: slot.point.name, type: slot.point.type, units: slot.point.units, value });
  }
  return { id: registers[0] ?? definition.id, length: reported, points, details };
}
