import type { SunSpecDeviceImage } from './device-image.js';
import type { SiteSimulatorConfig } from './options.js';
import {
  createInverterDevice,
  createMeterDevice,
  INVERTER_MODEL,
  loadSiteModelDefinitions,
  METER_MODEL,
  type SimulatedDevice,
} from './site-devices.js';
import { siteInstant, SiteEnergyCounter, type SiteConfig } from './site-model.js';

/** The engineering values the registers present now: what a correct decoder reads, scale-factor rounding included. */
export interface SiteSnapshot {
  inverter: { acPowerW: number; acEnergyWh: number };
  meter: { acPowerW: number; exportedWh: number; importedWh: number };
}

/**
 * The site without a transport: one register image per unit id, kept up to
 * date from the clock. A TCP server (index.ts) or an RTU server serves `units`.
 */
export interface SimulatedSite {
  readonly units: ReadonlyMap<number, SunSpecDeviceImage>;
  /** Recomputes every register from the clock now (the timer does it every updateIntervalMs). */
  refresh(): SiteSnapshot;
  snapshot(): SiteSnapshot;
  /** Stops the update timer. */
  stop(): void;
}

export function createSimulatedSite(cfg: SiteSimulatorConfig): SimulatedSite {
  const now = cfg.now ?? (() => new Date());
  const site: SiteConfig = {
    ratedPowerW: cfg.ratedPowerW,
    siteLoadW: cfg.siteLoadW,
    dayCurve: { utcOffsetMinutes: cfg.utcOffsetMinutes, sunriseHour: cfg.sunriseHour, sunsetHour: cfg.sunsetHour },
  };
  const defs = loadSiteModelDefinitions();
  const inverter = createInverterDevice(site, cfg.inverterUnitId, defs);
  const meter = createMeterDevice(site, cfg.meterUnitId, defs);
  const devices: SimulatedDevice[] = [inverter, meter];
  const counter = new SiteEnergyCounter(site, now(), {
    inverterWh: cfg.initialEnergyWh.inverter,
    importedWh: cfg.initialEnergyWh.imported,
    exportedWh: cfg.initialEnergyWh.exported,
  });

  const snapshot = (): SiteSnapshot => {
    const get = (image: SunSpecDeviceImage, model: number, point: string): number => {
      const v = image.getScaled(model, point);
      if (v === null) throw new Error(`model ${model} ${point} is not implemented`);
      return v;
    };
    return {
      inverter: {
        acPowerW: get(inverter.image, INVERTER_MODEL, 'W'),
        acEnergyWh: get(inverter.image, INVERTER_MODEL, 'WH'),
      },
      meter: {
        acPowerW: get(meter.image, METER_MODEL, 'W'),
        exportedWh: get(meter.image, METER_MODEL, 'TotWhExp'),
        importedWh: get(meter.image, METER_MODEL, 'TotWhImp'),
      },
    };
  };

  const refresh = (): SiteSnapshot => {
    const at = now();
    if (Number.isNaN(at.getTime())) throw new RangeError('the simulator clock returned an invalid Date');
    const energies = counter.advance(at);
    const instant = siteInstant(at, site);
    for (const d of devices) d.present(instant, energies);
    return snapshot();
  };

  refresh();
  const timer = setInterval(() => {
    try {
      refresh();
    } catch (err) {
      cfg.log?.error({ err }, 'simulator refresh failed; registers keep their last values');
    }
  }, cfg.updateIntervalMs);
  timer.unref();

  return {
    units: new Map(devices.map((d) => [d.unitId, d.image])),
    refresh,
    snapshot,
    stop: () => clearInterval(timer),
  };
}
