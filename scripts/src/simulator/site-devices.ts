import { buildDeviceImage, type SunSpecDeviceImage } from './device-image.js';
import { loadModelDefinition, type ModelDefinition } from './model-definition.js';
import type { SiteConfig, SiteEnergies, SiteInstant } from './site-model.js';

/**
 * The two SunSpec devices of the simulated site and how the site's
 * engineering values are presented in their registers.
 *
 * Scale factors are fixed for a simulator's life and chosen from its
 * configuration so that the largest expected value fits the point's type;
 * W (and DCW) never get 0, so a decoder that ignores scale factors is caught.
 * With the defaults (10 kW, 3 kW load): inverter A_SF -2, V_SF -1, W_SF 1,
 * Hz_SF -2, WH_SF 0, DCA_SF -2, DCV_SF -1, DCW_SF 1, Tmp_SF -1; meter A_SF -2,
 * V_SF -1, Hz_SF -2, W_SF 1, TotWh_SF 0.
 * Points left "not implemented" on purpose (a decoder must show no value):
 * inverter PF, TmpTrns, TmpOt, StVnd, EvtVnd1-4; meter VA*, VAR*, PF*, the
 * per-phase and VAh/VArh energy counters.
 */
export interface SimulatedDevice {
  readonly unitId: number;
  readonly image: SunSpecDeviceImage;
  /** Writes the values of one instant and the lifetime counters into the image. */
  present(instant: SiteInstant, energies: SiteEnergies): void;
}

export interface ModelDefinitions {
  readonly common: ModelDefinition;
  readonly inverter: ModelDefinition;
  readonly meter: ModelDefinition;
}

/** Models 1, 103 and 203 from the JSON files shipped in models/. */
export function loadSiteModelDefinitions(): ModelDefinitions {
  return { common: loadModelDefinition(1), inverter: loadModelDefinition(103), meter: loadModelDefinition(203) };
}

export const INVERTER_MODEL = 103;
export const METER_MODEL = 203;

/** SunSpec operating states (model 103 St) the simulator uses. */
export const InverterState = { SLEEPING: 2, MPPT: 4 } as const;

const INT16_MAX = 32767;
/** 0xFFFF is the uint16 "not implemented" value. */
const UINT16_MAX = 65534;

/**
 * The smallest exponent, starting at `preferred`, at which `maxAbs` fits under
 * `limit` raw counts; with `avoidZero`, 0 is skipped for 1.
 */
export function pickScaleFactor(maxAbs: number, opts: { preferred: number; limit: number; avoidZero?: boolean }): number {
  let sf = opts.preferred;
  const fits = (e: number): boolean => Math.round(maxAbs / 10 ** e) <= opts.limit;
  while (!fits(sf) || (opts.avoidZero && sf === 0)) {
    sf++;
    if (sf > 10) throw new RangeError(`no scale factor up to 10 fits ${maxAbs} under ${opts.limit}`);
  }
  return sf;
}

function commonValues(model: string, serial: string, unitId: number): Record<string, string | number | null> {
  return { Mn: 'SolarHub', Md: model, Opt: 'simulator', Vr: '1.0.0', SN: serial, DA: unitId };
}

export function createInverterDevice(cfg: SiteConfig, unitId: number, defs: ModelDefinitions): SimulatedDevice {
  const rated = cfg.ratedPowerW;
  const v0 = cfg.gridVoltageV ?? 230;
  const wSf = pickScaleFactor(rated * 1.25, { preferred: -1, limit: INT16_MAX, avoidZero: true });
  const dcwSf = pickScaleFactor((rated / 0.97) * 1.25, { preferred: -1, limit: INT16_MAX, avoidZero: true });
  const sfs = {
    A_SF: pickScaleFactor((rated / v0) * 1.25, { preferred: -2, limit: UINT16_MAX }),
    V_SF: pickScaleFactor(v0 * Math.sqrt(3) * 1.25, { preferred: -1, limit: UINT16_MAX }),
    W_SF: wSf,
    Hz_SF: -2,
    VA_SF: wSf,
    VAr_SF: wSf,
    WH_SF: 0,
    DCA_SF: pickScaleFactor((rated / 0.97 / 500) * 1.25, { preferred: -2, limit: UINT16_MAX }),
    DCV_SF: pickScaleFactor(1000, { preferred: -1, limit: UINT16_MAX }),
    DCW_SF: dcwSf,
    Tmp_SF: -1,
  };
  const image = buildDeviceImage([
    { definition: defs.common, values: commonValues(`SIM-INV-3P-${Math.round(rated)}W`, `SIMINV${pad(unitId)}`, unitId) },
    { definition: defs.inverter, values: { ...sfs, Evt1: 0, Evt2: 0, VAr: 0 } },
  ]);
  const m = INVERTER_MODEL;
  return {
    unitId,
    image,
    present({ inverter: inv }, energies) {
      const [a, b, c] = inv.phaseCurrentA;
      image.setScaled(m, 'A', a + b + c);
      image.setScaled(m, 'AphA', a);
      image.setScaled(m, 'AphB', b);
      image.setScaled(m, 'AphC', c);
      image.setScaled(m, 'PPVphAB', inv.lineVoltageV[0]);
      image.setScaled(m, 'PPVphBC', inv.lineVoltageV[1]);
      image.setScaled(m, 'PPVphCA', inv.lineVoltageV[2]);
      image.setScaled(m, 'PhVphA', inv.phaseVoltageV[0]);
      image.setScaled(m, 'PhVphB', inv.phaseVoltageV[1]);
      image.setScaled(m, 'PhVphC', inv.phaseVoltageV[2]);
      image.setScaled(m, 'W', inv.acPowerW);
      image.setScaled(m, 'VA', inv.acPowerW);
      image.setScaled(m, 'Hz', inv.frequencyHz);
      image.setPoint(m, 'WH', Math.floor(energies.inverterWh) % 2 ** 32);
      image.setScaled(m, 'DCA', inv.dcCurrentA);
      image.setScaled(m, 'DCV', inv.dcVoltageV);
      image.setScaled(m, 'DCW', inv.dcPowerW);
      image.setScaled(m, 'TmpCab', inv.cabinetTempC);
      image.setScaled(m, 'TmpSnk', inv.heatsinkTempC);
      image.setPoint(m, 'St', inv.producing ? InverterState.MPPT : InverterState.SLEEPING);
    },
  };
}

export function createMeterDevice(cfg: SiteConfig, unitId: number, defs: ModelDefinitions): SimulatedDevice {
  const v0 = cfg.gridVoltageV ?? 230;
  const worstW = Math.max(cfg.ratedPowerW, cfg.siteLoadW) * 1.25;
  const sfs = {
    A_SF: pickScaleFactor((worstW / v0) * 1.25, { preferred: -2, limit: INT16_MAX }),
    V_SF: pickScaleFactor(v0 * Math.sqrt(3) * 1.25, { preferred: -1, limit: INT16_MAX }),
    Hz_SF: -2,
    W_SF: pickScaleFactor(worstW, { preferred: -1, limit: INT16_MAX, avoidZero: true }),
    TotWh_SF: 0,
  };
  const image = buildDeviceImage([
    { definition: defs.common, values: commonValues('SIM-METER-3P', `SIMMTR${pad(unitId)}`, unitId) },
    { definition: defs.meter, values: { ...sfs, Evt: 0 } },
  ]);
  const m = METER_MODEL;
  const avg = (p: readonly number[]): number => p.reduce((s, x) => s + x, 0) / p.length;
  return {
    unitId,
    image,
    present({ meter }, energies) {
      const [a, b, c] = meter.phaseCurrentA;
      image.setScaled(m, 'A', a + b + c);
      image.setScaled(m, 'AphA', a);
      image.setScaled(m, 'AphB', b);
      image.setScaled(m, 'AphC', c);
      image.setScaled(m, 'PhV', avg(meter.phaseVoltageV));
      image.setScaled(m, 'PhVphA', meter.phaseVoltageV[0]);
      image.setScaled(m, 'PhVphB', meter.phaseVoltageV[1]);
      image.setScaled(m, 'PhVphC', meter.phaseVoltageV[2]);
      image.setScaled(m, 'PPV', avg(meter.lineVoltageV));
      image.setScaled(m, 'PhVphAB', meter.lineVoltageV[0]);
      image.setScaled(m, 'PhVphBC', meter.lineVoltageV[1]);
      image.setScaled(m, 'PhVphCA', meter.lineVoltageV[2]);
      image.setScaled(m, 'Hz', meter.frequencyHz);
      image.setScaled(m, 'W', meter.powerW);
      image.setScaled(m, 'WphA', meter.phasePowerW[0]);
      image.setScaled(m, 'WphB', meter.phasePowerW[1]);
      image.setScaled(m, 'WphC', meter.phasePowerW[2]);
      image.setPoint(m, 'TotWhExp', Math.floor(energies.exportedWh) % 2 ** 32);
      image.setPoint(m, 'TotWhImp', Math.floor(energies.importedWh) % 2 ** 32);
    },
  };
}

const pad = (n: number): string => String(n).padStart(4, '0');
