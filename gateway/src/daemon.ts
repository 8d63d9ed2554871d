import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DeviceReport } from '@solarhub/shared';
import type { Logger } from 'pino';
import { openOutbox, type Outbox } from './buffer/outbox.js';
import type { DeviceConfig, GatewayConfig } from './config/schema.js';
import { createModelLibrary, type ModelLibrary } from './decoder/sunspec/definition.js';
import { createSunSpecSession } from './decoder/sunspec/session.js';
import { ModbusTcpConnection } from './device/modbus-tcp.js';
import { DevicePoller, type DeviceSource } from './poller/device-poller.js';
import { HealthRegistry } from './poller/health.js';
import { createCloudClient } from './sync/cloud-client.js';
import { createSyncLoop, type SyncStatus } from './sync/sync-loop.js';

export interface GatewayOptions {
  config: GatewayConfig;
  log: Logger;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface Gateway {
  /** Random per process start; stamped on every reading. */
  readonly bootId: string;
  readonly outbox: Outbox;
  syncStatus(): SyncStatus;
  devices(): DeviceReport[];
  /** Stops polling and syncing, closes connections and the outbox. */
  stop(): Promise<void>;
}

export const OUTBOX_FILE = 'outbox.sqlite';

interface WiredDevice {
  source: DeviceSource;
  close(): Promise<void>;
}

/** Transport + register map for one configured device. New protocols and profiles are wired here. */
function wireDevice(device: DeviceConfig, library: ModelLibrary, log: Logger): WiredDevice {
  switch (device.protocol) {
    case 'modbus_tcp': {
      const connection = new ModbusTcpConnection({
        host: device.host,
        port: device.port,
        unitId: device.unitId,
        timeoutMs: device.timeoutMs,
        log: log.child({ component: 'modbus_tcp' }),
      });
      const source = createSunSpecSession({
        read: (address, count) => connection.readHoldingRegisters(address, count),
        library,
        baseAddress: device.baseAddress,
        log: log.child({ component: 'sunspec' }),
      });
      return { source, close: () => connection.close() };
    }
  }
}

/** Starts the gateway: pollers -> outbox -> sync. Throws only for what makes starting impossible (the outbox). */
export function startGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const log = options.log.child({ gateway: config.gateway.name });
  const bootId = randomUUID();
  mkdirSync(config.dataDir, { recursive: true });
  const outbox = openOutbox(path.join(config.dataDir, OUTBOX_FILE));
  const library = createModelLibrary();
  const health = new HealthRegistry(config.devices, log.child({ component: 'health' }));

  const sync = createSyncLoop({
    outbox,
    client: createCloudClient({ url: config.cloud.url, token: config.cloud.token, timeoutMs: config.cloud.requestTimeoutMs, fetch: options.fetch }),
    devices: () => health.reports(),
    intervalMs: config.sync.intervalMs,
    maxBatchReadings: config.sync.maxBatchReadings,
    maxBackoffMs: config.sync.maxBackoffMs,
    log: log.child({ component: 'sync' }),
  });

  const devices = config.devices.map((device) => {
    const deviceLog = log.child({ deviceId: device.id });
    const wired = wireDevice(device, library, deviceLog);
    const poller = new DevicePoller({
      deviceId: device.id,
      intervalMs: device.pollIntervalMs,
      source: wired.source,
      sink: (readings) => {
        outbox.append(readings);
        sync.notify();
      },
      health,
      bootId,
      log: deviceLog.child({ component: 'poller' }),
    });
    return { poller, close: wired.close };
  });

  sync.start();
  for (const d of devices) d.poller.start();
  log.info({ bootId, devices: config.devices.length, dataDir: config.dataDir, cloud: config.cloud.url }, 'gateway started');

  let stopping: Promise<void> | undefined;
  return {
    bootId,
    outbox,
    syncStatus: () => sync.status(),
    devices: () => health.reports(),
    stop() {
      stopping ??= (async () => {
        await Promise.all(devices.map((d) => d.poller.stop()));
        await Promise.all(devices.map((d) => d.close()));
        await sync.stop();
        outbox.close();
        log.info('gateway stopped');
      })();
      return stopping;
    },
  };
}
