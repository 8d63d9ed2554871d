import type { GroupDefinition, ModelDefinition, PointDefinition } from './definition.js';
import { decodePointValue } from './point-types.js';

/**
 * Where each point of a model sits in the model's register block (offset 0
 * is the ID register, 1 is L). Repeating groups are expanded; their points
 * are named "<group>.<n>.<Point>" with n counting from 1.
 */
export interface PointSlot {
  path: string;
  point: PointDefinition;
  /** Register offset from the model's ID register. */
  offset: number;
  size: number;
  /** The slot holding this point's scale factor, when `point.sf` names one and it lies within the model. */
  sfSlot?: PointSlot | undefined;
}

export interface ModelLayout {
  slots: PointSlot[];
  /** Registers in the block: L + 2. */
  total: number;
  /**
   * False when the layout stopped early because a repeat count lives in a
   * register not known yet; offsets up to `knownEnd` are final.
   */
  complete: boolean;
  knownEnd: number;
}

interface Instance {
  slots: Map<string, PointSlot>;
  parent: Instance | undefined;
}

class Incomplete extends Error {}

/** Registers of the block as far as known (undefined = not read yet). */
export type PartialRegisters = ArrayLike<number | undefined>;

function lookup(instance: Instance | undefined, name: string): PointSlot | undefined {
  for (let at = instance; at; at = at.parent) {
    const slot = at.slots.get(name);
    if (slot) return slot;
  }
  return undefined;
}

function pointsLength(group: GroupDefinition): number {
  return group.points.reduce((sum, p) => sum + p.size, 0) + (group.groups ?? []).reduce((sum, g) => {
    const count = typeof g.count === 'number' && g.count > 0 ? g.count : g.count === undefined ? 1 : 0;
    return sum + count * pointsLength(g);
  }, 0);
}

/** Model block layout for model length `length` (the L register). */
export function layoutModel(definition: ModelDefinition, length: number, registers: PartialRegisters = []): ModelLayout {
  const total = length + 2;
  const slots: PointSlot[] = [];
  const pending: Array<{ slot: PointSlot; instance: Instance }> = [];
  let offset = 0;

  const readCount = (instance: Instance, name: string): number => {
    const slot = lookup(instance, name);
    if (!slot) return 0;
    const words: number[] = [];
    for (let i = 0; i < slot.size; i++) {
      const word = registers[slot.offset + i];
      if (word === undefined) throw new Incomplete();
      words.push(word);
    }
    const value = decodePointValue(slot.point.type, words);
    return typeof value === 'number' && value > 0 ? value : 0;
  };

  const walk = (group: GroupDefinition, prefix: string, parent: Instance | undefined): void => {
    const instance: Instance = { slots: new Map(), parent };
    for (const point of group.points) {
      if (offset + point.size > total) {
        offset = total;
        return;
      }
      const slot: PointSlot = { path: prefix + point.name, point, offset, size: point.size };
      instance.slots.set(point.name, slot);
      slots.push(slot);
      pending.push({ slot, instance });
      offset += point.size;
    }
    for (const child of group.groups ?? []) {
      let count: number;
      if (child.count === undefined) count = 1;
      else if (typeof child.count === 'string') count = readCount(instance, child.count);
      else if (child.count > 0) count = child.count;
      else {
        const size = pointsLength(child);
        count = size > 0 ? Math.floor((total - offset) / size) : 0;
      }
      const name = child.name.replace(/[^A-Za-z0-9_]/g, '_');
      for (let n = 1; n <= count && offset < total; n++) {
        walk(child, child.count === undefined ? `${prefix}${name}.` : `${prefix}${name}.${n}.`, instance);
      }
    }
  };

  let complete = true;
  try {
    walk(definition.group, '', undefined);
  } catch (err) {
    if (!(err instanceof Incomplete)) throw err;
    complete = false;
  }
  for (const { slot, instance } of pending) {
    if (typeof slot.point.sf === 'string') slot.sfSlot = lookup(instance, slot.point.sf);
  }
  return { slots, total, complete, knownEnd: complete ? total : offset };
}

/**
 * End (exclusive offset) of the next read starting at `from`: at most
 * `maxRegisters`, never splitting a point whose place is known.
 */
export function nextReadEnd(layout: ModelLayout, from: number, maxRegisters: number): number {
  const limit = Math.min(from + maxRegisters, layout.total);
  if (limit === layout.total) return limit;
  const straddles = (at: number) => layout.slots.some((s) => s.offset < at && s.offset + s.size > at);
  for (let end = limit; end > from; end--) {
    if (!straddles(end)) return end;
  }
  return limit;
}
