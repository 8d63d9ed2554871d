import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * Options of the site simulator: validation, defaults and documentation in one
 * schema. Every problem is reported at once by SimulatorConfigError.
 */
export const siteSimulatorOptionsSchema = z
  .object({
    /** Address to listen on. Default 127.0.0.1. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 = a free port chosen by the system (read it back from the handle). Default 0. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Inverter AC rating in W (the day curve's peak). Default 10000. */
    ratedPowerW: z.number().positive().max(100_000_000).default(10_000),
    /** Constant site consumption in W. Default 3000. */
    siteLoadW: z.number().min(0).max(100_000_000).default(3_000),
    /** The clock: the day curve and the energy counters follow it. Default: the system clock. */
    now: z.custom<() => Date>((v) => typeof v === 'function', { message: 'now must be a function returning a Date' }).optional(),
    /** Unit id of the model 103 inverter. Default 1. */
    inverterUnitId: z.number().int().min(1).max(247).default(1),
    /** Unit id of the model 203 meter. Default 2. */
    meterUnitId: z.number().int().min(1).max(247).default(2),
    /** Local time = UTC + this (minutes). Default: the host's time zone. */
    utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
    /** Local hour production starts. Default 6. */
    sunriseHour: z.number().min(0).max(24).default(6),
    /** Local hour production ends. Default 18. */
    sunsetHour: z.number().min(0).max(24).default(18),
    /** How often the registers are recomputed from the clock, in ms. Default 1000. */
    updateIntervalMs: z.number().int().min(10).max(3_600_000).default(1_000),
    /**
     * A request for any other unit id: 'gateway-exception' answers Modbus
     * exception 0x0B (gateway target device failed to respond) at once;
     * 'no-reply' stays silent so the master times out. Default 'gateway-exception'.
     */
    unknownUnit: z.enum(['gateway-exception', 'no-reply']).default('gateway-exception'),
    /** Lifetime counters at start, in Wh. Defaults: inverter 25 MWh, imported 9 MWh, exported 18 MWh. */
    initialEnergyWh: z
      .object({
        inverter: z.number().min(0).max(4e9).default(25_000_000),
        imported: z.number().min(0).max(4e9).default(9_000_000),
        exported: z.number().min(0).max(4e9).default(18_000_000),
      })
      .prefault({}),
    /** Logger for connections and failures. Default: none. */
    log: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'log must be a pino logger' }).optional(),
  })
  .refine((o) => o.inverterUnitId !== o.meterUnitId, {
    message: 'inverterUnitId and meterUnitId must differ',
    path: ['meterUnitId'],
  })
  .refine((o) => o.sunriseHour < o.sunsetHour, { message: 'sunriseHour must be before sunsetHour', path: ['sunsetHour'] });

export type SiteSimulatorOptions = z.input<typeof siteSimulatorOptionsSchema>;
export type SiteSimulatorConfig = z.output<typeof siteSimulatorOptionsSchema>;

export class SimulatorConfigError extends Error {
  readonly code = 'SIMULATOR_CONFIG_INVALID';
}

export function parseSiteSimulatorOptions(opts: SiteSimulatorOptions = {}): SiteSimulatorConfig {
  const parsed = siteSimulatorOptionsSchema.safeParse(opts);
  if (!parsed.success) throw new SimulatorConfigError(`invalid site simulator options:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
