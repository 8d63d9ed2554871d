import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isPointType, registerCount, type SunSpecPointType } from './sunspec-types.js';

/**
 * The part of an official SunSpec JSON model definition (models/model_N.json,
 * copied from the SunSpec models repository, see models/SOURCE.txt) that the
 * simulator lays out: the top-level group's points, in order.
 */
const pointSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().refine(isPointType, { message: 'unknown SunSpec point type' }),
  size: z.number().int().positive(),
  sf: z.union([z.string(), z.number().int()]).optional(),
  value: z.union([z.string(), z.number().int()]).optional(),
  units: z.string().optional(),
});

interface GroupShape {
  name: string;
  type: 'group' | 'sync';
  count?: number | string | undefined;
  points?: z.infer<typeof pointSchema>[] | undefined;
  groups?: GroupShape[] | undefined;
}

const groupSchema: z.ZodType<GroupShape> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    type: z.enum(['group', 'sync']),
    count: z.union([z.number().int(), z.string()]).optional(),
    points: z.array(pointSchema).optional(),
    groups: z.array(groupSchema).optional(),
  }),
);

export const modelDefinitionSchema = z.looseObject({
  id: z.number().int().min(1).max(65535),
  group: groupSchema,
});

export type ModelDefinition = z.infer<typeof modelDefinitionSchema>;

export interface PointLayout {
  readonly name: string;
  readonly type: SunSpecPointType;
  /** Size from the definition (registers; for strings the register count). */
  readonly size: number;
  /** Offset in registers from the model's ID register (ID is 0, L is 1). */
  readonly offset: number;
  /** Scale factor: the name of a sunssf point in the same model, or a fixed exponent. */
  readonly sf?: string | number;
  readonly units?: string;
}

export interface ModelLayout {
  readonly id: number;
  readonly name: string;
  /** The model length L: registers after the ID and L registers. */
  readonly length: number;
  readonly points: readonly PointLayout[];
  readonly byName: ReadonlyMap<string, PointLayout>;
}

export class ModelDefinitionError extends Error {
  readonly code = 'SUNSPEC_MODEL_DEFINITION';
}

/** Validates a parsed JSON definition; throws ModelDefinitionError listing every problem. */
export function parseModelDefinition(json: unknown, source = 'model definition'): ModelDefinition {
  const parsed = modelDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelDefinitionError(`${source} is not a SunSpec model definition:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Reads models/model_<id>.json shipped beside this file (never /work/shared at run time). */
export function loadModelDefinition(id: number): ModelDefinition {
  const url = new URL(`./models/model_${id}.json`, import.meta.url);
  const text = readFileSync(url, 'utf8');
  return parseModelDefinition(JSON.parse(text), `models/model_${id}.json`);
}

/**
 * Lays out the points of a fixed model (no repeating or nested groups: models
 * 1, 103 and 203 have none). Offsets count from the ID register; the first two
 * points must be ID and L, as every SunSpec model's are.
 */
export function layoutModel(def: ModelDefinition): ModelLayout {
  const group = def.group;
  if (group.groups && group.groups.length > 0) {
    throw new ModelDefinitionError(
      `model ${def.id} (${group.name}) has nested groups (${group.groups.map((g) => g.name).join(', ')}); only fixed models are supported`,
    );
  }
  const raw = group.points ?? [];
  if (raw[0]?.name !== 'ID' || raw[1]?.name !== 'L') {
    throw new ModelDefinitionError(`model ${def.id}: the first points must be ID and L`);
  }
  const points: PointLayout[] = [];
  const byName = new Map<string, PointLayout>();
  let offset = 0;
  for (const p of raw) {
    const type = p.type as SunSpecPointType;
    const point: PointLayout = {
      name: p.name,
      type,
      size: p.size,
      offset,
      ...(p.sf !== undefined ? { sf: p.sf } : {}),
      ...(p.units !== undefined ? { units: p.units } : {}),
    };
    if (registerCount(type, p.size) !== p.size) {
      throw new ModelDefinitionError(`model ${def.id} point ${p.name}: size ${p.size} does not fit type ${type}`);
    }
    if (byName.has(p.name)) throw new ModelDefinitionError(`model ${def.id}: point ${p.name} appears twice`);
    points.push(point);
    byName.set(p.name, point);
    offset += p.size;
  }
  for (const p of points) {
    if (typeof p.sf === 'string' && byName.get(p.sf)?.type !== 'sunssf') {
      throw new ModelDefinitionError(`model ${def.id} point ${p.name}: scale factor ${p.sf} is not a sunssf point`);
    }
  }
  return { id: def.id, name: group.name, length: offset - 2, points, byName };
}
