import { readFileSync } from 'node:fs';
import { DeviceType, METRICS, metricDefinition } from '@solarhub/shared';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import { registerCount, VALUE_TYPES } from './value-types.js';

/**
 * The register-map profile format for devices that do not speak SunSpec:
 * one JSON file per device family in gateway/profiles/. This schema is the
 * format's documentation (see also README "Register-map profiles").
 * Addresses are protocol (PDU) addresses, counting from 0: the register a
 * manual calls 30001 or 40001 is address 0; "0x0034" hex strings are accepted.
 */
const address = z
  .union([z.number().int(), z.string().regex(/^0x[0-9a-fA-F]{1,4}$/, 'expected a number or a hex string like "0x0034"').transform((s) => parseInt(s, 16))])
  .pipe(z.number().int().min(0, 'addresses start at 0').max(65535, 'addresses end at 65535'));

export const RegisterTable = z.enum(['holding', 'input', 'coil', 'discrete']);
export const ByteOrder = z.enum(['big', 'little']);

export const ProfilePoint = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'point names: letters, digits and "_", starting with a letter').max(48),
    address: address.describe('First register (PDU address, from 0)'),
    table: RegisterTable.optional().describe('Register table; default from `defaults.table`'),
    type: z.enum(VALUE_TYPES).optional().describe('Value type; default from `defaults.type`'),
    length: z.number().int().min(1).max(64).optional().describe('Registers of a string'),
    byteOrder: ByteOrder.optional().describe('Bytes within a register; default from `defaults`'),
    wordOrder: ByteOrder.optional().describe('Registers within a 32/64-bit value; default from `defaults`'),
    bit: z.number().int().min(0).max(63).optional().describe('Take this one bit of the value (0 = least significant): gives 0 or 1'),
    multiplier: z.number().finite().optional().describe('value = raw x 10^scaleFactor x multiplier + offset (default 1)'),
    offset: z.number().finite().optional().describe('Added after the multiplier (default 0)'),
    scaleFactor: z
      .union([
        z.number().int().min(-10).max(10),
        z.strictObject({ address, table: RegisterTable.optional() }),
      ])
      .optional()
      .describe('A fixed power of ten, or the int16 register holding it (read in the same request as the value)'),
    sentinels: z.array(z.number().int().min(0)).optional().describe('Raw register contents (unsigned) that mean "not implemented": no value'),
    metric: z.string().optional().describe('Normalized metric (see shared/src/metrics.ts); omitted: "vendor.<profile id>.<name>"'),
    unit: z.string().max(16).optional().describe('Unit of the value after scaling; must be the metric\'s unit for normalized metrics'),
    identity: z.enum(['manufacturer', 'model', 'serialNumber', 'firmwareVersion']).optional().describe('Read once and reported as device identity instead of a reading'),
    alone: z.boolean().optional().describe('Always read in a request of its own (devices that refuse it in a merged read)'),
    description: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'string' && p.length === undefined) ctx.addIssue({ code: 'custom', path: ['length'], message: 'a string needs its length in registers' });
    const definition = p.metric === undefined ? undefined : metricDefinition(p.metric);
    if (p.metric !== undefined && !definition) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: `unknown metric "${p.metric}": use a normalized name (${Object.keys(METRICS).slice(0, 4).join(', ')}..., mppt<n>_dc_power_w...) or leave it out` });
    }
    if (definition && p.unit !== undefined && p.unit !== definition.unit) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: `metric ${p.metric} is in "${definition.unit}", not "${p.unit}": scale with multiplier` });
    }
  });
export type ProfilePoint = z.infer<typeof ProfilePoint>;

export const Profile = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'profile ids: lower-case letters, digits and "_"').max(48),
    manufacturer: z.string().min(1).max(64),
    model: z.string().min(1).max(64),
    deviceType: DeviceType,
    source: z
      .strictObject({
        document: z.string().min(1).describe('Title, issue and date of the maker\'s register documentation'),
        url: z.string().optional(),
        notes: z.string().optional(),
      })
      .describe('Where the map comes from: every profile cites the maker\'s document'),
    defaults: z
      .strictObject({
        table: RegisterTable.default('holding'),
        type: z.enum(VALUE_TYPES).default('uint16'),
        byteOrder: ByteOrder.default('big'),
        wordOrder: ByteOrder.default('big'),
      })
      .prefault({}),
    requests: z
      .strictObject({
        maxRegisters: z.number().int().min(1).max(125).default(125).describe('Most registers in one read (Modbus allows 125)'),
        maxGap: z.number().int().min(0).max(124).default(10).describe('Largest run of unused registers read to merge two reads'),
      })
      .prefault({}),
    points: z.array(ProfilePoint).min(1),
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.points.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['points', i, 'name'], message: `duplicate point name "${p.name}"` });
      seen.add(p.name);
      const type = p.type ?? profile.defaults.type;
      const table = p.table ?? profile.defaults.table;
      const bits = table === 'coil' || table === 'discrete';
      if (bits && type !== 'bool') ctx.addIssue({ code: 'custom', path: ['points', i, 'type'], message: `${table} points are "bool"` });
      if (!bits && type === 'bool') ctx.addIssue({ code: 'custom', path: ['points', i, 'type'], message: 'bool is for coil and discrete tables' });
      const size = bits ? 1 : registerCount(type, p.length);
      if (p.address + size > 65536) ctx.addIssue({ code: 'custom', path: ['points', i, 'address'], message: 'the value runs past register 65535' });
      if (typeof p.scaleFactor === 'object') {
        const lo = Math.min(p.address, p.scaleFactor.address);
        const hi = Math.max(p.address + size, p.scaleFactor.address + 1);
        if (hi - lo > profile.requests.maxRegisters) {
          ctx.addIssue({ code: 'custom', path: ['points', i, 'scaleFactor'], message: 'value and scale factor must fit in one request' });
        }
      }
    });
  });
export type Profile = z.infer<typeof Profile>;
export type ProfileInput = z.input<typeof Profile>;

export class ProfileError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('PROFILE_INVALID', message, context);
  }
}

/** The profiles shipped with the gateway (gateway/profiles/), from src/ and dist/ alike. */
export const PROFILES_DIR = new URL('../../../profiles/', import.meta.url);

export function parseProfile(raw: unknown, source: string): Profile {
  const result = Profile.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues.map((i) => `  ${i.path.join('.') || '(profile)'}: ${i.message}`).join('\n');
    throw new ProfileError(`invalid register-map profile ${source}:\n${details}`, { source });
  }
  return result.data;
}

/** A built-in profile by id ("eastron_sdm630"), or a profile file by path. */
export function loadProfile(idOrPath: string, dir: URL = PROFILES_DIR): Profile {
  const file = /[/\\]|\.json$/.test(idOrPath) ? idOrPath : new URL(`${idOrPath}.json`, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProfileError(`no register-map profile "${idOrPath}" (${String(file)}): ${(err as Error).message}`, { profile: idOrPath });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProfileError(`register-map profile ${String(file)} is not JSON: ${(err as Error).message}`, { profile: idOrPath });
  }
  return parseProfile(json, String(file));
}
