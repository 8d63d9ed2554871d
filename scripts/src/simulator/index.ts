import { routeRequest } from './modbus-pdu.js';
import { startModbusTcpServer } from './modbus-tcp-server.js';
import { parseSiteSimulatorOptions, type SiteSimulatorOptions } from './options.js';
import { createSimulatedSite, type SiteSnapshot } from './site.js';

/**
 * A SunSpec solar site on Modbus TCP, for tests, the demo and benchmarks.
 * Unit 1: three-phase inverter (models 1, 103); unit 2: grid meter (models 1,
 * 203); each map at 40000 in its unit's own address space. See README.md.
 */
export interface SiteSimulator {
  readonly host: string;
  /** The port actually listened on (the free one when port 0 was asked for). */
  readonly port: number;
  readonly inverterUnitId: number;
  readonly meterUnitId: number;
  close(): Promise<void>;
  /** The engineering values presented now (what a correct decoder must produce, allowing for scale-factor rounding). */
  snapshot(): SiteSnapshot;
  /** Recomputes the registers from the clock at once (after moving an injected clock) and returns the new snapshot. */
  refresh(): SiteSnapshot;
}

export async function startSiteSimulator(opts: SiteSimulatorOptions = {}): Promise<SiteSimulator> {
  const cfg = parseSiteSimulatorOptions(opts);
  const site = createSimulatedSite(cfg);
  try {
    const server = await startModbusTcpServer({
      host: cfg.host,
      port: cfg.port,
      log: cfg.log,
      handle: (unitId, pdu) => routeRequest(site.units, unitId, pdu, cfg.unknownUnit),
    });
    return {
      host: server.host,
      port: server.port,
      inverterUnitId: cfg.inverterUnitId,
      meterUnitId: cfg.meterUnitId,
      async close() {
        site.stop();
        await server.close();
      },
      snapshot: site.snapshot,
      refresh: site.refresh,
    };
  } catch (err) {
    site.stop();
    throw err;
  }
}

export type { SiteSnapshot, SimulatedSite } from './site.js';
export { createSimulatedSite } from './site.js';
export {
  parseSiteSimulatorOptions,
  siteSimulatorOptionsSchema,
  SimulatorConfigError,
  type SiteSimulatorOptions,
  type SiteSimulatorConfig,
} from './options.js';
export { solarFraction, localHour, integrateHours, type DayCurveOptions } from './day-curve.js';
export {
  siteInstant,
  SiteEnergyCounter,
  LOAD_SHARE,
  type SiteConfig,
  type SiteInstant,
  type SiteEnergies,
  type InverterReading,
  type MeterReading,
} from './site-model.js';
export {
  buildDeviceImage,
  applyScaleFactor,
  SunSpecDeviceImage,
  DeviceImageError,
  SUNSPEC_BASE_ADDRESS,
  SUNSPEC_MARKER,
  SUNSPEC_END_ID,
  type ModelEntry,
  type PlacedModel,
} from './device-image.js';
export {
  loadModelDefinition,
  layoutModel,
  parseModelDefinition,
  ModelDefinitionError,
  type ModelDefinition,
  type ModelLayout,
  type PointLayout,
} from './model-definition.js';
export {
  encodePoint,
  decodePoint,
  notImplementedRegisters,
  registerCount,
  PointEncodingError,
  SUNSPEC_POINT_TYPES,
  type SunSpecPointType,
  type PointValue,
} from './sunspec-types.js';
export {
  createInverterDevice,
  createMeterDevice,
  loadSiteModelDefinitions,
  pickScaleFactor,
  InverterState,
  INVERTER_MODEL,
  METER_MODEL,
  type SimulatedDevice,
} from './site-devices.js';
export {
  handleRequestPdu,
  routeRequest,
  exceptionPdu,
  ExceptionCode,
  FunctionCode,
  MAX_READ_REGISTERS,
  type RegisterSpace,
  type UnknownUnitPolicy,
} from './modbus-pdu.js';
export { startModbusTcpServer, parseMbapFrames, encodeMbapFrame, MbapFramingError, type ModbusTcpServer } from './modbus-tcp-server.js';
