import { mpptMetric, type MpptMetricBase, type NormalizedMetric } from '@solarhub/shared';

/**
 * SunSpec points that have a normalized metric name, per model, as data.
 * Points not listed here are sent as "sunspec.<model>.<path>".
 */
/** AC currents and voltages: the same point names in inverter and meter models. */
const AC_PHASES: Readonly<Record<string, NormalizedMetric>> = {
  A: 'ac_current_a',
  AphA: 'ac_current_l1_a',
  AphB: 'ac_current_l2_a',
  AphC: 'ac_current_l3_a',
  PhVphA: 'ac_voltage_l1_n_v',
  PhVphB: 'ac_voltage_l2_n_v',
  PhVphC: 'ac_voltage_l3_n_v',
  PPVphAB: 'ac_voltage_l1_l2_v',
  PPVphBC: 'ac_voltage_l2_l3_v',
  PPVphCA: 'ac_voltage_l3_l1_v',
};

const INVERTER: Readonly<Record<string, NormalizedMetric>> = {
  ...AC_PHASES,
  W: 'ac_power_w',
  Hz: 'grid_frequency_hz',
  VA: 'ac_apparent_power_va',
  VAr: 'ac_reactive_power_var',
  PF: 'power_factor',
  WH: 'ac_energy_wh',
  DCA: 'dc_current_a',
  DCV: 'dc_voltage_v',
  DCW: 'dc_power_w',
  TmpCab: 'cabinet_temperature_c',
  TmpSnk: 'heat_sink_temperature_c',
  St: 'operating_state',
};

const METER: Readonly<Record<string, NormalizedMetric>> = {
  ...AC_PHASES,
  // Model 203's definition spells the phase-to-phase voltages this way.
  PhVphAB: 'ac_voltage_l1_l2_v',
  PhVphBC: 'ac_voltage_l2_l3_v',
  PhVphCA: 'ac_voltage_l3_l1_v',
  Hz: 'grid_frequency_hz',
  // Sign kept: negative = export.
  W: 'ac_power_w',
  WphA: 'ac_power_l1_w',
  WphB: 'ac_power_l2_w',
  WphC: 'ac_power_l3_w',
  VA: 'ac_apparent_power_va',
  VAR: 'ac_reactive_power_var',
  PF: 'power_factor',
  TotWhExp: 'energy_exported_wh',
  TotWhImp: 'energy_imported_wh',
};

/** Storage: model 124 (basic storage controls) and 802 (battery base). 802 W/A: positive = discharging, as the vocabulary. */
const STORAGE_124: Readonly<Record<string, NormalizedMetric>> = {
  ChaState: 'battery_soc_pct',
  InBatV: 'battery_voltage_v',
};
const BATTERY_802: Readonly<Record<string, NormalizedMetric>> = {
  SoC: 'battery_soc_pct',
  V: 'battery_voltage_v',
  A: 'battery_current_a',
  W: 'battery_power_w',
};

/** Repeating groups with per-instance metrics: model 160 module n -> "mppt<n>_<base>". */
export const SUNSPEC_REPEATING_MAP: Readonly<Record<number, { group: string; points: Readonly<Record<string, MpptMetricBase>> }>> = {
  160: { group: 'module', points: { DCA: 'dc_current_a', DCV: 'dc_voltage_v', DCW: 'dc_power_w', DCWH: 'dc_energy_wh' } },
};

export const SUNSPEC_METRIC_MAP: Readonly<Record<number, Readonly<Record<string, NormalizedMetric>>>> = {
  101: INVERTER,
  102: INVERTER,
  103: INVERTER,
  111: INVERTER,
  112: INVERTER,
  113: INVERTER,
  201: METER,
  202: METER,
  203: METER,
  204: METER,
  211: METER,
  212: METER,
  213: METER,
  214: METER,
  124: STORAGE_124,
  802: BATTERY_802,
};

/** SunSpec unit strings -> the metric vocabulary's units (UCUM-like, see @solarhub/shared metrics). */
export const SUNSPEC_UNITS: Readonly<Record<string, string>> = {
  C: 'Cel',
  Pct: '%',
  // State of charge as a percentage of the rated energy (models 124, 802).
  '%WHRtg': '%',
  '% AhrRtg': '%',
  '%': '%',
  Var: 'var',
  var: 'var',
  Varh: 'varh',
  varh: 'varh',
  WH: 'Wh',
  Secs: 's',
  Sec: 's',
  mSecs: 'ms',
  'W/m^2': 'W/m2',
  mps: 'm/s',
  Degrees: 'deg',
  HPa: 'hPa',
  AH: 'Ah',
  kAH: 'kAh',
  ohms: 'Ohm',
  kO: 'kOhm',
  'cos()': '',
  PF: '',
};

/** Unit conversions needed to put a SunSpec value under a normalized metric. */
export const UNIT_CONVERSIONS: ReadonlyArray<{ from: string; to: string; divisor: number }> = [
  // SunSpec power factor is in percent; the vocabulary's power_factor is -1..1.
  { from: '%', to: '', divisor: 100 },
];

export function vocabularyUnit(sunspecUnits: string | undefined): string {
  if (sunspecUnits === undefined) return '';
  const trimmed = sunspecUnits.trim();
  return (SUNSPEC_UNITS[trimmed] ?? trimmed).slice(0, 16);
}

/** The normalized metric of a point: from the per-model map, or a repeating-group instance ("module.2.DCW" -> "mppt2_dc_power_w"). */
export function normalizedName(model: number, path: string): string | undefined {
  const map = SUNSPEC_METRIC_MAP[model];
  if (map && Object.hasOwn(map, path)) return map[path];
  const repeating = SUNSPEC_REPEATING_MAP[model];
  if (!repeating) return undefined;
  const m = /^([A-Za-z0-9_]+)\.(\d+)\.([A-Za-z0-9_]+)$/.exec(path);
  if (!m || m[1] !== repeating.group || !Object.hasOwn(repeating.points, m[3]!)) return undefined;
  return mpptMetric(Number(m[2]), repeating.points[m[3]!]!);
}
