import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DecodeError } from '../../errors.js';

/**
 * SunSpec model definitions in the official JSON format (sunspec/models,
 * copied into ./models/ with its LICENSE and SOURCE.txt). Only the fields
 * the gateway uses are validated; the rest (labels, descriptions...) pass.
 */
export const PointDefinition = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  size: z.number().int().positive(),
  /** A scale-factor point name (looked up in this group, then its parents) or a constant exponent. */
  sf: z.union([z.string().min(1), z.number().int()]).optional(),
  units: z.string().optional(),
  symbols: z.array(z.object({ name: z.string(), value: z.number() })).optional(),
  static: z.string().optional(),
  value: z.unknown().optional(),
});
export type PointDefinition = z.infer<typeof PointDefinition>;

export interface GroupDefinition {
  name: string;
  /** Repetitions: absent = 1; a number (0 = as many as fit in the model length); a point name holding the count. */
  count?: number | string | undefined;
  points: PointDefinition[];
  groups?: GroupDefinition[] | undefined;
}

export const GroupDefinition: z.ZodType<GroupDefinition> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    count: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
    points: z.array(PointDefinition).default([]),
    groups: z.array(GroupDefinition).optional(),
  }),
);

export const ModelDefinition = z.object({
  id: z.number().int().min(1).max(65534),
  group: GroupDefinition,
});
export type ModelDefinition = z.infer<typeof ModelDefinition>;

/** The folder with model_<id>.json, next to this module in src/ and in dist/ alike (tsc copies the JSON). */
export const MODELS_DIR = new URL('./models/', import.meta.url);

/** Looks model definitions up by id. Files are read and validated on first use, then cached. */
export interface ModelLibrary {
  get(id: number): ModelDefinition | undefined;
}

export function parseModelDefinition(raw: unknown, source: string): ModelDefinition {
  const result = ModelDefinition.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new DecodeError(`invalid SunSpec model definition in ${source}: ${details}`, { source });
  }
  return result.data;
}

export function createModelLibrary(dir: URL = MODELS_DIR): ModelLibrary {
  const cache = new Map<number, ModelDefinition | undefined>();
  return {
    get(id) {
      if (cache.has(id)) return cache.get(id);
      let definition: ModelDefinition | undefined;
      const file = new URL(`model_${id}.json`, dir);
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (text !== undefined) definition = parseModelDefinition(JSON.parse(text), file.pathname);
      cache.set(id, definition);
      return definition;
    },
  };
}
