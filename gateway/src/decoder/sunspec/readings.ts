import { metricDefinition } from '@solarhub/shared';
import type { DecodedModel } from './decode.js';
import { normalizedName, UNIT_CONVERSIONS, vocabularyUnit } from './metric-map.js';
import { NUMERIC_TYPES } from './point-types.js';

/** A reading as the decoder produces it; the poller adds device, time and boot. */
export interface MetricValue {
  metric: string;
  value: number;
  unit: string;
  /** The source point: "sunspec.<model>.<path>". */
  point: string;
}

/** Points that describe the block, not the device. */
const STRUCTURAL = new Set(['ID', 'L']);

function convert(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  const rule = UNIT_CONVERSIONS.find((c) => c.from === from && c.to === to);
  return rule ? value / rule.divisor : undefined;
}

/**
 * Turns a decoded model into metric values: mapped points under their
 * normalized name (converted to the vocabulary's unit), every other numeric
 * point under "sunspec.<model>.<path>". Scale factors, padding, text and
 * not-implemented points give nothing.
 */
export function modelMetrics(model: DecodedModel): MetricValue[] {
  const out: MetricValue[] = [];
  for (const point of model.details) {
    if (typeof point.value !== 'number' || !Number.isFinite(point.value)) continue;
    if (!NUMERIC_TYPES.has(point.type) || point.type === 'sunssf' || STRUCTURAL.has(point.path)) continue;
    const source = `sunspec.${model.id}.${point.path}`;
    const unit = vocabularyUnit(point.units);
    const normalized = normalizedName(model.id, point.path);
    const definition = normalized ? metricDefinition(normalized) : undefined;
    if (normalized && definition) {
      const value = convert(point.value, unit, definition.unit);
      if (value !== undefined) {
        out.push({ metric: normalized, value, unit: definition.unit, point: source });
        continue;
      }
    }
    out.push({ metric: source, value: point.value, unit, point: source });
  }
  return out;
}
