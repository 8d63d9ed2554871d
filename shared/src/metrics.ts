import { z } from 'zod';

/**
 * The normalized metric vocabulary. Every reading a gateway sends is named
 * either by one of these (so dashboards, alerts and roll-ups work the same
 * for every maker) or, for points with no normalized name, by its SunSpec or
 * vendor point name under a `sunspec.` or `vendor.` prefix.
 *
 * Sign conventions:
 * - Inverter power is positive when producing.
 * - Meter (grid connection point) power is positive when importing from the
 *   grid and negative when exporting to it, as SunSpec meter models define it.
 * - Battery power is positive when discharging and negative when charging.
 */
export const MetricKind = z.enum(['gauge', 'counter']);
export type MetricKind = z.infer<typeof MetricKind>;

export interface MetricDefinition {
  unit: string;
  kind: MetricKind;
  description: string;
}

const gauge = (unit: string, description: string): MetricDefinition => ({ unit, kind: 'gauge', description });
const counter = (unit: string, description: string): MetricDefinition => ({ unit, kind: 'counter', description });

export const METRICS = {
  // AC side (inverters and meters)
  ac_power_w: gauge('W', 'Total active power (meters: positive import, negative export)'),
  ac_power_l1_w: gauge('W', 'Active power, phase A / L1'),
  ac_power_l2_w: gauge('W', 'Active power, phase B / L2'),
  ac_power_l3_w: gauge('W', 'Active power, phase C / L3'),
  ac_apparent_power_va: gauge('VA', 'Total apparent power'),
  ac_reactive_power_var: gauge('var', 'Total reactive power'),
  power_factor: gauge('', 'Power factor, -1..1'),
  ac_current_a: gauge('A', 'Total AC current'),
  ac_current_l1_a: gauge('A', 'AC current, phase A / L1'),
  ac_current_l2_a: gauge('A', 'AC current, phase B / L2'),
  ac_current_l3_a: gauge('A', 'AC current, phase C / L3'),
  ac_voltage_l1_n_v: gauge('V', 'Phase-to-neutral voltage, L1'),
  ac_voltage_l2_n_v: gauge('V', 'Phase-to-neutral voltage, L2'),
  ac_voltage_l3_n_v: gauge('V', 'Phase-to-neutral voltage, L3'),
  ac_voltage_l1_l2_v: gauge('V', 'Phase-to-phase voltage, L1-L2'),
  ac_voltage_l2_l3_v: gauge('V', 'Phase-to-phase voltage, L2-L3'),
  ac_voltage_l3_l1_v: gauge('V', 'Phase-to-phase voltage, L3-L1'),
  grid_frequency_hz: gauge('Hz', 'Grid frequency'),
  ac_energy_wh: counter('Wh', 'Lifetime AC energy produced (inverters)'),
  energy_imported_wh: counter('Wh', 'Lifetime active energy imported from the grid (meters)'),
  energy_exported_wh: counter('Wh', 'Lifetime active energy exported to the grid (meters)'),
  // DC side
  dc_power_w: gauge('W', 'Total DC input power'),
  dc_voltage_v: gauge('V', 'DC input voltage'),
  dc_current_a: gauge('A', 'DC input current'),
  // Inverter state
  cabinet_temperature_c: gauge('Cel', 'Cabinet temperature'),
  heat_sink_temperature_c: gauge('Cel', 'Heat sink temperature'),
  operating_state: gauge('', 'Operating state code (SunSpec St enumeration)'),
  // Storage
  battery_power_w: gauge('W', 'Battery power (positive discharging, negative charging)'),
  battery_soc_pct: gauge('%', 'Battery state of charge'),
  battery_voltage_v: gauge('V', 'Battery voltage'),
  battery_current_a: gauge('A', 'Battery current'),
  // Weather
  irradiance_w_m2: gauge('W/m2', 'Plane-of-array irradiance'),
  module_temperature_c: gauge('Cel', 'PV module back-of-panel temperature'),
  ambient_temperature_c: gauge('Cel', 'Ambient air temperature'),
  wind_speed_m_s: gauge('m/s', 'Wind speed'),
} as const satisfies Record<string, MetricDefinition>;

export type NormalizedMetric = keyof typeof METRICS;

/** Lower-case snake names, or a `sunspec.`/`vendor.` point path; nothing else is accepted on the wire. */
export const MetricName = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^([a-z][a-z0-9_]*|(sunspec|vendor)\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)$/,
    'metric must be a normalized name like "ac_power_w" or a point path like "sunspec.103.DCA"',
  );
export type MetricName = z.infer<typeof MetricName>;

export function isNormalizedMetric(name: string): name is NormalizedMetric {
  return Object.hasOwn(METRICS, name);
}

/**
 * Per-tracker DC metrics of inverters with several MPP trackers / strings
 * (SunSpec model 160 modules, vendor PV inputs): "mppt<n>_<base>", n from 1.
 */
export const MPPT_METRICS = {
  dc_power_w: gauge('W', 'DC power of one MPP tracker / string'),
  dc_voltage_v: gauge('V', 'DC voltage of one MPP tracker / string'),
  dc_current_a: gauge('A', 'DC current of one MPP tracker / string'),
  dc_energy_wh: counter('Wh', 'Lifetime DC energy of one MPP tracker / string'),
} as const satisfies Record<string, MetricDefinition>;
export type MpptMetricBase = keyof typeof MPPT_METRICS;

const MPPT_METRIC = /^mppt([1-9][0-9]{0,2})_([a-z_]+)$/;

export function mpptMetric(index: number, base: MpptMetricBase): string {
  return `mppt${index}_${base}`;
}

export function metricDefinition(name: string): MetricDefinition | undefined {
  if (isNormalizedMetric(name)) return METRICS[name];
  const m = MPPT_METRIC.exec(name);
  return m && Object.hasOwn(MPPT_METRICS, m[2]!) ? MPPT_METRICS[m[2] as MpptMetricBase] : undefined;
}
