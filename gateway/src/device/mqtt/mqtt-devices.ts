import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { MqttBrokerConfig, MqttDeviceConfig } from '../../config/devices.js';
import { DeviceTimeoutError } from '../../errors.js';
import { toReadings, type PolledReading } from '../../poller/device-poller.js';
import type { HealthRegistry } from '../../poller/health.js';
import { decodeMessage, PayloadError } from './payload.js';
import { topicMatches } from './topic.js';

export interface MqttDevicesOptions {
  broker: MqttBrokerConfig;
  devices: readonly MqttDeviceConfig[];
  clientId: string;
  health: HealthRegistry;
  sink: (readings: PolledReading[]) => void;
  bootId: string;
  log: Logger;
}

export interface MqttDeviceStats {
  received: number;
  stored: number;
  malformed: number;
  retainedSkipped: number;
}

export interface MqttDevices {
  readonly connected: boolean;
  /** Connected and the subscriptions acknowledged by the broker. */
  readonly subscribed: boolean;
  stats(deviceId: string): MqttDeviceStats | undefined;
  stop(): Promise<void>;
}

/** Delay before reconnect attempt `n` (0-based): min doubling per failure, capped. */
export function reconnectDelay(n: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(n, 30));
}

/**
 * Devices that publish to an MQTT broker: one client for all of them,
 * QoS 1 subscriptions on a persistent session (clean: false), so messages
 * published while the gateway was away are delivered when it returns.
 *
 * - Reconnects with exponential backoff (reconnectMinMs doubling up to reconnectMaxMs).
 * - Retained messages (the broker's replay of an old last value) are not
 *   stored unless the device has acceptRetained and the payload carries its
 *   own timestamp: a retained value is never stamped with "now".
 * - Malformed payloads are counted per device and logged with the topic
 *   (once per topic per minute); they never stop anything.
 * - No message for staleAfterMs: the device is offline.
 */
export function startMqttDevices(options: MqttDevicesOptions): MqttDevices {
  const { broker, devices, health, sink, bootId, log } = options;
  const stats = new Map(devices.map((d) => [d.id, { received: 0, stored: 0, malformed: 0, retainedSkipped: 0 } satisfies MqttDeviceStats]));
  const lastMessage = new Map<string, number>();
  const startedAt = Date.now();
  const lastMalformedLog = new Map<string, number>();
  const filters = [...new Set(devices.flatMap((d) => d.subscriptions.map((s) => s.topic)))];
  let stopping = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let subscribed = false;

  const clientOptions: IClientOptions = {
    clientId: broker.clientId ?? options.clientId,
    username: broker.username,
    password: broker.password,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    rejectUnauthorized: broker.rejectUnauthorized,
    ...(broker.caFile ? { ca: readFileSync(broker.caFile) } : {}),
    ...(broker.certFile ? { cert: readFileSync(broker.certFile) } : {}),
    ...(broker.keyFile ? { key: readFileSync(broker.keyFile) } : {}),
  };
  const client: MqttClient = connect(broker.url, clientOptions);

  client.on('connect', () => {
    attempt = 0;
    log.info({ url: broker.url, topics: filters }, 'MQTT connected');
    client.subscribe(filters, { qos: 1 }, (err) => {
      if (err) log.error({ err, topics: filters }, 'MQTT subscribe failed');
      else subscribed = true;
    });
  });
  client.on('error', (err) => log.warn({ err, url: broker.url }, 'MQTT error'));
  client.on('close', () => {
    subscribed = false;
    if (stopping || reconnectTimer) return;
    const delay = reconnectDelay(attempt++, broker.reconnectMinMs, broker.reconnectMaxMs);
    log.debug({ url: broker.url, delayMs: delay }, 'MQTT disconnected, reconnecting');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (!stopping) client.reconnect();
    }, delay);
  });

  client.on('message', (topic, payload, packet) => {
    const arrivedAt = Date.now();
    for (const device of devices) {
      for (const subscription of device.subscriptions) {
        if (!topicMatches(subscription.topic, topic)) continue;
        const s = stats.get(device.id)!;
        s.received++;
        let decoded;
        try {
          decoded = decodeMessage(subscription, payload, arrivedAt, topic);
        } catch (err) {
          if (!(err instanceof PayloadError)) throw err;
          s.malformed++;
          health.failed(device.id, 'error', err);
          const last = lastMalformedLog.get(topic) ?? 0;
          if (arrivedAt - last >= 60_000) {
            lastMalformedLog.set(topic, arrivedAt);
            log.warn({ deviceId: device.id, topic, malformed: s.malformed, err: err.message }, 'malformed MQTT payload skipped');
          }
          continue;
        }
        if (packet.retain && !(device.acceptRetained && decoded.sourceTime)) {
          s.retainedSkipped++;
          continue;
        }
        try {
          sink(toReadings(device.id, bootId, [{ ts: decoded.ts, mono: performance.now(), values: decoded.values }]));
          s.stored += decoded.values.length;
        } catch (err) {
          log.error({ deviceId: device.id, err }, 'cannot store readings: this message is lost');
        }
        lastMessage.set(device.id, arrivedAt);
        health.succeeded(device.id, decoded.ts);
      }
    }
  });

  const staleCheck = setInterval(() => {
    const now = Date.now();
    for (const device of devices) {
      const last = lastMessage.get(device.id) ?? startedAt;
      const status = health.get(device.id)?.status;
      if (now - last > device.staleAfterMs && status !== 'offline') {
        health.failed(device.id, 'offline', new DeviceTimeoutError(`no MQTT message for ${device.staleAfterMs} ms`, { deviceId: device.id }));
      }
    }
  }, Math.max(100, Math.min(1000, ...devices.map((d) => d.staleAfterMs / 4))));
  staleCheck.unref();

  return {
    get connected() {
      return client.connected;
    },
    get subscribed() {
      return subscribed && client.connected;
    },
    stats: (id) => (stats.has(id) ? { ...stats.get(id)! } : undefined),
    async stop() {
      stopping = true;
      clearInterval(staleCheck);
      clearTimeout(reconnectTimer);
      await client.endAsync();
    },
  };
}
