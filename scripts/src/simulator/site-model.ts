import { integrateHours, solarFraction, type DayCurveOptions } from './day-curve.js';

/**
 * The physics of the simulated site, in engineering units and independent of
 * any register map: a three-phase PV inverter following the day curve, a
 * constant site load, and the grid connection meter between them.
 *
 * Sign convention at the meter (SunSpec): positive = import from the grid,
 * negative = export. By day the inverter out-produces the load, so it exports.
 */
export interface SiteConfig {
  /** Inverter AC rating in W; output at the day curve's peak. */
  readonly ratedPowerW: number;
  /** Site consumption in W, constant, split unevenly over the three phases. */
  readonly siteLoadW: number;
  readonly dayCurve: DayCurveOptions;
  /** Nominal phase-to-neutral voltage. Default 230. */
  readonly gridVoltageV?: number;
  /** Nominal grid frequency. Default 50. */
  readonly gridFrequencyHz?: number;
}

export type Phases = readonly [number, number, number];

export interface InverterReading {
  readonly producing: boolean;
  readonly acPowerW: number;
  readonly phaseCurrentA: Phases;
  readonly phaseVoltageV: Phases;
  /** AB, BC, CA. */
  readonly lineVoltageV: Phases;
  readonly frequencyHz: number;
  readonly dcPowerW: number;
  readonly dcVoltageV: number;
  readonly dcCurrentA: number;
  readonly cabinetTempC: number;
  readonly heatsinkTempC: number;
}

export interface MeterReading {
  /** Total active power, positive = import, negative = export. */
  readonly powerW: number;
  readonly phasePowerW: Phases;
  /** Current magnitudes (always >= 0). */
  readonly phaseCurrentA: Phases;
  readonly phaseVoltageV: Phases;
  readonly lineVoltageV: Phases;
  readonly frequencyHz: number;
}

export interface SiteInstant {
  readonly at: Date;
  readonly solarFraction: number;
  readonly inverter: InverterReading;
  readonly meter: MeterReading;
}

/** Share of the site load on phases A, B, C. */
export const LOAD_SHARE: Phases = [0.4, 0.33, 0.27];
/** Small fixed per-phase voltage offsets, so that phases differ as real ones do. */
const PHASE_OFFSET_V: Phases = [0, 0.8, -0.6];
const INVERTER_EFFICIENCY = 0.97;

const map3 = (f: (i: 0 | 1 | 2) => number): Phases => [f(0), f(1), f(2)];

/** Everything the site shows at one instant. Pure: depends on `at` and `cfg` only. */
export function siteInstant(at: Date, cfg: SiteConfig): SiteInstant {
  const f = solarFraction(at, cfg.dayCurve);
  const v0 = cfg.gridVoltageV ?? 230;
  const t = at.getTime() / 1000;
  const frequencyHz =
    (cfg.gridFrequencyHz ?? 50) + 0.015 * Math.sin((2 * Math.PI * t) / 420) + 0.008 * Math.sin((2 * Math.PI * t) / 61);
  // Exporting raises the voltage at the connection point a little.
  const phaseVoltageV = map3((i) => v0 * (1 + 0.01 * f) + PHASE_OFFSET_V[i]);
  const lineVoltageV = map3((i) => ((phaseVoltageV[i] + phaseVoltageV[((i + 1) % 3) as 0 | 1 | 2]) / 2) * Math.sqrt(3));

  const acPowerW = cfg.ratedPowerW * f;
  const producing = acPowerW > 0;
  const dcPowerW = producing ? acPowerW / INVERTER_EFFICIENCY : 0;
  const dcVoltageV = producing ? 620 - 50 * f : 0;
  const ambientC = 15 + 10 * f;
  const inverter: InverterReading = {
    producing,
    acPowerW,
    phaseCurrentA: map3((i) => acPowerW / 3 / phaseVoltageV[i]),
    phaseVoltageV,
    lineVoltageV,
    frequencyHz,
    dcPowerW,
    dcVoltageV,
    dcCurrentA: producing ? dcPowerW / dcVoltageV : 0,
    cabinetTempC: ambientC + 20 * f,
    heatsinkTempC: ambientC + 30 * f,
  };

  const phasePowerW = map3((i) => cfg.siteLoadW * LOAD_SHARE[i] - acPowerW / 3);
  const meter: MeterReading = {
    powerW: phasePowerW[0] + phasePowerW[1] + phasePowerW[2],
    phasePowerW,
    phaseCurrentA: map3((i) => Math.abs(phasePowerW[i]) / phaseVoltageV[i]),
    phaseVoltageV,
    lineVoltageV,
    frequencyHz,
  };
  return { at, solarFraction: f, inverter, meter };
}

export interface SiteEnergies {
  /** Inverter lifetime AC energy. */
  readonly inverterWh: number;
  /** Meter lifetime energy drawn from the grid. */
  readonly importedWh: number;
  /** Meter lifetime energy fed into the grid. */
  readonly exportedWh: number;
}

/** A clock jump larger than this is taken as a clock correction, not as time the site ran. */
export const MAX_INTEGRATED_GAP_MS = 31 * 24 * 3_600_000;

/**
 * Lifetime energy counters: they integrate the site's power over the clock's
 * elapsed time and never decrease. When the clock goes backwards, nothing is
 * counted until it passes the latest instant already counted.
 */
export class SiteEnergyCounter {
  readonly #cfg: SiteConfig;
  #last: Date;
  #energies: SiteEnergies;

  constructor(cfg: SiteConfig, start: Date, initial: SiteEnergies) {
    this.#cfg = cfg;
    this.#last = start;
    this.#energies = initial;
  }

  get energies(): SiteEnergies {
    return this.#energies;
  }

  advance(to: Date): SiteEnergies {
    const gap = to.getTime() - this.#last.getTime();
    if (!(gap > 0)) return this.#energies;
    if (gap <= MAX_INTEGRATED_GAP_MS) {
      const from = this.#last;
      const meterW = (at: Date): number => siteInstant(at, this.#cfg).meter.powerW;
      const e = this.#energies;
      this.#energies = {
        inverterWh: e.inverterWh + integrateHours(from, to, (at) => this.#cfg.ratedPowerW * solarFraction(at, this.#cfg.dayCurve)),
        importedWh: e.importedWh + integrateHours(from, to, (at) => Math.max(0, meterW(at))),
        exportedWh: e.exportedWh + integrateHours(from, to, (at) => Math.max(0, -meterW(at))),
      };
    }
    this.#last = to;
    return this.#energies;
  }
}
