import { z } from 'zod';

/** How a reading was taken, as far as the gateway can tell. */
export const Quality = z.enum([
  /** Read from the device with a synchronized clock. */
  'good',
  /** The device answered, but the value is doubtful (e.g. out of the metric's plausible range). */
  'uncertain',
  /** Taken while the gateway's wall clock was not synchronized: its timestamp may be wrong. */
  'clock_unsynced',
]);
export type Quality = z.infer<typeof Quality>;

/** A quality as a small integer, where it is stored (gateway buffer, cloud measurements): codes never change meaning. */
export const QUALITY_CODES = { good: 0, uncertain: 1, clock_unsynced: 2 } as const satisfies Record<Quality, number>;

const QUALITY_BY_CODE = new Map<number, Quality>(Object.entries(QUALITY_CODES).map(([name, code]) => [code, name as Quality]));

/** The quality a stored code stands for; an unknown code (written by a newer version) reads as 'uncertain'. */
export function qualityOfCode(code: number): Quality {
  return QUALITY_BY_CODE.get(code) ?? 'uncertain';
}

/** What a device is, whatever protocol it speaks. */
export const DeviceType = z.enum(['inverter', 'meter', 'battery', 'weather_station', 'mppt', 'other']);
export type DeviceType = z.infer<typeof DeviceType>;

/** How the gateway talks to a device. */
export const Protocol = z.enum(['modbus_tcp', 'modbus_rtu', 'modbus_rtu_over_tcp', 'mqtt']);
export type Protocol = z.infer<typeof Protocol>;

/** A device's health as the gateway sees it. */
export const DeviceStatus = z.enum(['online', 'offline', 'error', 'unknown']);
export type DeviceStatus = z.infer<typeof DeviceStatus>;
