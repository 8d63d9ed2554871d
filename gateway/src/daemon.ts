import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DeviceReport } from '@solarhub/shared';
import type { Logger } from 'pino';
import { openOutbox, type Outbox } from './buffer/outbox.js';
import { sqliteBinding } from './buffer/sqlite.js';
import type { GatewayConfig } from './config/schema.js';
import { createModelLibrary } from './decoder/sunspec/definition.js';
import { BusRegistry } from './device/bus-registry.js';
import { DevicePoller } from './poller/device-poller.js';
import { createModbusSource, loadDeviceProfiles, type ModbusDeviceConfig } from './poller/modbus-sources.js';
import { startMqttDevices } from './device/mqtt/mqtt-devices.js';
import { HealthRegistry } from './poller/health.js';
import type { SyncStatus } from './sync/sync-loop.js';
import { wireSync } from './sync/wire-sync.js';
import { createLastValuesTracker, type LastValues } from './poller/last-values.js';

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
  /** The newest value of each metric of each device since start. */
  lastValues(): LastValues;
  /** Stops polling and syncing, closes connections and the outbox. */
  stop(): Promise<void>;
}

export const OUTBOX_FILE = 'outbox.sqlite';

/** Starts the gateway: pollers -> outbox -> sync. Throws only for what makes starting impossible (the outbox). */
export function startGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const log = options.log.child({ gateway: config.gateway.name });
  const bootId = randomUUID();
  const modbusDevices = config.devices.filter((d): d is ModbusDeviceConfig => d.protocol !== 'mqtt');
  const profiles = loadDeviceProfiles(modbusDevices);
  mkdirSync(config.dataDir, { recursive: true });
  const outbox = openOutbox(path.join(config.dataDir, OUTBOX_FILE), { ...config.buffer, log });
  const library = createModelLibrary();
  const health = new HealthRegistry(config.devices, log.child({ component: 'health' }));

  const { sync, clock } = wireSync({ config, outbox, devices: () => health.reports(), bootId, log, fetch: options.fetch });

  const lastValues = createLastValuesTracker();
  const sink = (readings: Parameters<Outbox['append']>[0]) => {
    // Flag (never re-stamp) readings taken while the wall clock looks wrong.
    outbox.append(clock.flag(readings));
    lastValues.record(readings);
    sync.notify();
  };
  const buses = new BusRegistry(log);
  const pollers = modbusDevices.map((device) => {
    const deviceLog = log.child({ deviceId: device.id });
    return new DevicePoller({
      deviceId: device.id,
      intervalMs: device.pollIntervalMs,
      maxBackoffMs: device.maxBackoffMs,
      source: createModbusSource(device, { buses, library, profiles, log: deviceLog }),
      sink,
      health,
      bootId,
      log: deviceLog.child({ component: 'poller' }),
    });
  });
  const mqttDevices = config.devices.flatMap((d) => (d.protocol === 'mqtt' ? [d] : []));
  const mqtt = mqttDevices.length
    ? startMqttDevices({ broker: config.mqtt, devices: mqttDevices, clientId: `solarhub-${config.gateway.name}`, health, sink, bootId, log: log.child({ component: 'mqtt' }) })
    : undefined;

  sync.start();
  for (const poller of pollers) poller.start();
  log.info({ bootId, devices: config.devices.length, dataDir: config.dataDir, cloud: config.cloud.url, sqlite: sqliteBinding() }, 'gateway started');

  let stopping: Promise<void> | undefined;
  return {
    bootId,
    outbox,
    syncStatus: () => sync.status(),
    devices: () => health.reports(),
    lastValues: () => lastValues.snapshot(),
    stop() {
      stopping ??= (async () => {
        await Promise.all(pollers.map((p) => p.stop()));
        await mqtt?.stop();
        await buses.close();
        await sync.stop();
        outbox.close();
        log.info('gateway stopped');
      })();
      return stopping;
    },
  };
}
