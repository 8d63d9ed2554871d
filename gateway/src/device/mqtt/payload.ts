import { metricDefinition } from '@solarhub/shared';
import { GatewayError } from '../../errors.js';

/** A message that cannot be turned into readings (not JSON, no number where one was expected...). */
export class PayloadError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('MQTT_PAYLOAD', message, context);
  }
}

export interface FieldMapping {
  path: string;
  metric: string;
  unit?: string | undefined;
  multiplier: number;
  offset: number;
}

export interface PayloadMapping {
  format: 'number' | 'json';
  fields: readonly FieldMapping[];
  timestampPath?: string | undefined;
}

export interface MessageValues {
  ts: number;
  /** True when the time came from the payload. */
  sourceTime: boolean;
  values: Array<{ metric: string; value: number; unit: string; point: string }>;
}

/** "a.b[0].c" -> ["a", "b", 0, "c"]. */
export function parsePath(path: string): Array<string | number> {
  if (path === '') return [];
  const parts: Array<string | number> = [];
  for (const piece of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece);
    if (!m) throw new PayloadError(`bad field path "${path}"`, { path });
    if (m[1]) parts.push(m[1]);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

export function valueAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const key of parsePath(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Epoch seconds (below 1e11), epoch ms, or an ISO 8601 string; undefined when none of these. */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.round(v < 1e11 ? v * 1000 : v);
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return parseTimestamp(n);
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * The readings in one message. Fields missing from a message are skipped
 * (devices often send partial updates); a message that gives no value at
 * all, is not JSON, or has a non-number where a field is, is malformed.
 */
export function decodeMessage(mapping: PayloadMapping, payload: Buffer, arrivedAt: number, topic: string): MessageValues {
  const text = payload.toString('utf8');
  let root: unknown;
  if (mapping.format === 'number') {
    root = asNumber(text);
    if (root === undefined) throw new PayloadError(`payload on ${topic} is not a number: ${JSON.stringify(text.slice(0, 64))}`, { topic });
  } else {
    try {
      root = JSON.parse(text);
    } catch {
      throw new PayloadError(`payload on ${topic} is not JSON: ${JSON.stringify(text.slice(0, 64))}`, { topic });
    }
  }
  const values: MessageValues['values'] = [];
  for (const field of mapping.fields) {
    const raw = mapping.format === 'number' ? root : valueAt(root, field.path);
    if (raw === undefined || raw === null) continue;
    const n = asNumber(raw);
    if (n === undefined) throw new PayloadError(`field "${field.path}" on ${topic} is not a number: ${JSON.stringify(raw).slice(0, 64)}`, { topic, path: field.path });
    values.push({
      metric: field.metric,
      value: n * field.multiplier + field.offset,
      unit: field.unit ?? metricDefinition(field.metric)?.unit ?? '',
      point: `mqtt.${topic}${field.path ? `#${field.path}` : ''}`.slice(0, 128),
    });
  }
  if (values.length === 0) throw new PayloadError(`message on ${topic} holds none of the configured fields`, { topic });
  const stamped = mapping.timestampPath === undefined ? undefined : parseTimestamp(valueAt(root, mapping.timestampPath));
  return { ts: stamped ?? arrivedAt, sourceTime: stamped !== undefined, values };
}
