import { z } from 'zod';
import { MAX_READINGS_PER_BATCH } from '@solarhub/shared';
import { checkSharedBuses, DeviceConfig, MqttBrokerConfig } from './devices.js';
import { int, nonEmpty } from './fields.js';

/**
 * The gateway's configuration file (JSON). This schema is its documentation:
 * every field says what it is and what its default is. Unknown keys are
 * errors, so a typo never silently falls back to a default.
 */

export {
  ModbusTcpDeviceConfig,
  ModbusRtuDeviceConfig,
  ModbusRtuOverTcpDeviceConfig,
  MqttDeviceConfig,
  MqttBrokerConfig,
  SerialPortConfig,
  DeviceConfig,
} from './devices.js';

export const CloudConfig = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .describe('Base URL of the SolarHub cloud, e.g. "https://cloud.example.org" (batches go to <url>/api/v1/ingest)'),
    token: nonEmpty('the gateway token', 512).describe(
      'Gateway token (Bearer). May be left out of the file and given in the SOLARHUB_GATEWAY_TOKEN environment variable',
    ),
    requestTimeoutMs: int(1000, 600_000).default(30_000).describe('Timeout of one upload request, ms (default 30000)'),
    caFile: nonEmpty('a file path', 4096)
      .optional()
      .describe('PEM file of the certificate authority that signed a private cloud\'s certificate (absolute path). Certificates are always verified; default: the system\'s CAs'),
  })
  .describe('Where and how to send data');

export const SyncConfig = z
  .strictObject({
    intervalMs: int(100, 3_600_000).default(5000).describe('How often to upload, ms (default 5000)'),
    maxBatchReadings: int(1, MAX_READINGS_PER_BATCH)
      // 20,000: a backlog drains ~30% faster than with 5,000 (fixed costs per
      // upload; bench `drain`) for ~50 MiB more peak memory while draining.
      .default(20_000)
      .describe(`Most readings in one upload (default 20000, at most ${MAX_READINGS_PER_BATCH})`),
    maxBackoffMs: int(1000, 3_600_000).default(60_000).describe('Longest wait between retries after failures, ms (default 60000)'),
    retryBaseMs: int(10, 60_000)
      .default(1000)
      .describe('First retry waits a random time up to this, doubling per failure up to maxBackoffMs (full jitter), ms (default 1000)'),
    maxBatchBytes: int(1024, 64 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Most bytes of JSON (before gzip) in one upload (default 4 MiB; the cloud accepts 16 MiB)'),
    inFlight: int(1, 8).default(2).describe('Uploads at once while a backlog drains (default 2)'),
    maxClockSkewMs: int(2000, 86_400_000)
      .default(120_000)
      .describe("Largest difference from the cloud's clock (its Date header) before readings are flagged clock_unsynced, ms (default 120000)"),
  })
  .describe('Upload schedule');

export const BufferConfig = z
  .strictObject({
    maxBytes: int(0, Number.MAX_SAFE_INTEGER)
      .default(1024 * 1024 * 1024)
      .describe('Most bytes the buffered readings may take on disk (default 1 GiB, about 8 million readings; 0: no limit)'),
    maxAgeMs: int(0, Number.MAX_SAFE_INTEGER)
      .default(0)
      .describe('Drop readings older than this, ms (default 0: no age limit). Readings flagged clock_unsynced never age out'),
    whenFull: z
      .enum(['drop_oldest', 'drop_newest'])
      .default('drop_oldest')
      .describe('What to drop when full: "drop_oldest" (default) or "drop_newest". Either way the gap is counted and reported to the cloud'),
    synchronous: z
      .enum(['full', 'normal'])
      .default('full')
      .describe('SQLite synchronous: "full" (default) keeps every stored reading through a power cut; "normal" may lose the last second or so of readings on a power cut (never on a crash)'),
  })
  .describe('The on-disk buffer (outbox) holding readings until the cloud acknowledges them');

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
    buffer: BufferConfig.prefault({}),
    mqtt: MqttBrokerConfig.prefault({}).describe('MQTT broker for devices with protocol "mqtt" (default: a local mosquitto)'),
    devices: z
      .array(DeviceConfig)
      .default([])
      .describe('Devices to poll')
      .superRefine((devices, ctx) => {
        checkSharedBuses(devices, ctx);
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
