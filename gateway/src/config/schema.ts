import { z } from 'zod';
import { DeviceKey, DeviceType, MAX_READINGS_PER_BATCH } from '@solarhub/shared';

/**
 * The gateway's configuration file (JSON). This schema is its documentation:
 * every field says what it is and what its default is. Unknown keys are
 * errors, so a typo never silently falls back to a default.
 */

const int = (min: number, max: number) =>
  z
    .number({ error: `expected a number between ${min} and ${max}` })
    .int({ error: `expected a whole number between ${min} and ${max}` })
    .min(min, { error: `expected a number between ${min} and ${max}` })
    .max(max, { error: `expected a number between ${min} and ${max}` });

const nonEmpty = (what: string, max: number) =>
  z.string({ error: `expected ${what} (text)` }).min(1, { error: `${what} must not be empty` }).max(max, { error: `${what}: at most ${max} characters` });

/** Fields every device has, whatever its protocol. */
const deviceBase = {
  id: DeviceKey.describe('Device key, unique on this gateway (e.g. "inverter-1"); the cloud names the device by it'),
  type: DeviceType.describe('What the device is: inverter, meter, battery, weather_station, mppt, other'),
  pollIntervalMs: int(100, 86_400_000).default(5000).describe('How often to poll the device, ms (default 5000)'),
  timeoutMs: int(50, 60_000).default(2000).describe('Timeout of one request to the device, ms (default 2000)'),
};

export const ModbusTcpDeviceConfig = z
  .strictObject({
    ...deviceBase,
    protocol: z.literal('modbus_tcp').describe('Modbus TCP (the device or a Modbus TCP gateway in front of it)'),
    host: nonEmpty('a host name or IP address', 253).describe('Host name or IP address of the device'),
    port: int(1, 65535).default(502).describe('TCP port (default 502)'),
    unitId: int(0, 255).default(1).describe('Modbus unit id / slave address (default 1)'),
    profile: z.enum(['sunspec']).default('sunspec').describe('Register map: "sunspec" (discovered from the device; default)'),
    baseAddress: int(0, 65535)
      .optional()
      .describe('SunSpec base register address; omitted: probe 40000, 0 and 50000'),
  })
  .describe('A device polled over Modbus TCP');
export type ModbusTcpDeviceConfig = z.infer<typeof ModbusTcpDeviceConfig>;

/** One device. A union on `protocol`: RTU and MQTT variants slot in here. */
export const DeviceConfig = z.discriminatedUnion('protocol', [ModbusTcpDeviceConfig], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected "protocol" to be one of: modbus_tcp' : undefined,
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const CloudConfig = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .describe('Base URL of the SolarHub cloud, e.g. "https://cloud.example.org" (batches go to <url>/api/v1/ingest)'),
    token: nonEmpty('the gateway token', 512).describe(
      'Gateway token (Bearer). May be left out of the file and given in the SOLARHUB_GATEWAY_TOKEN environment variable',
    ),
    requestTimeoutMs: int(1000, 600_000).default(30_000).describe('Timeout of one upload request, ms (default 30000)'),
  })
  .describe('Where and how to send data');

export const SyncConfig = z
  .strictObject({
    intervalMs: int(100, 3_600_000).default(5000).describe('How often to upload, ms (default 5000)'),
    maxBatchReadings: int(1, MAX_READINGS_PER_BATCH)
      .default(5000)
      .describe(`Most readings in one upload (default 5000, at most ${MAX_READINGS_PER_BATCH})`),
    maxBackoffMs: int(1000, 3_600_000).default(60_000).describe('Longest wait between retries after failures, ms (default 60000)'),
  })
  .describe('Upload schedule');

export const GatewayConfig = z
  .strictObject({
    gateway: z
      .strictObject({ name: nonEmpty('a gateway name', 64).describe('Name of this gateway, for logs and the cloud') })
      .describe('This gateway'),
    cloud: CloudConfig,
    dataDir: nonEmpty('a directory', 4096).describe(
      'Directory for the outbox database (relative paths are relative to the config file)',
    ),
    sync: SyncConfig.prefault({}),
    devices: z
      .array(DeviceConfig)
      .default([])
      .describe('Devices to poll')
      .superRefine((devices, ctx) => {
        const seen = new Map<string, number>();
        devices.forEach((device, index) => {
          const first = seen.get(device.id);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `duplicate device id "${device.id}" (also devices[${first}].id)`,
            });
          } else {
            seen.set(device.id, index);
          }
        });
      }),
  })
  .describe('SolarHub gateway configuration');
export type GatewayConfig = z.infer<typeof GatewayConfig>;
export type GatewayConfigInput = z.input<typeof GatewayConfig>;
