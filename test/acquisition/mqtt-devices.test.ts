import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { MqttBrokerConfig, MqttDeviceConfig } from '../../gateway/src/config/devices.js';
import { startMqttDevices, type MqttDevices } from '../../gateway/src/device/mqtt/mqtt-devices.js';
import type { PolledReading } from '../../gateway/src/poller/device-poller.js';
import { HealthRegistry } from '../../gateway/src/poller/health.js';
import { startMosquitto, type Mosquitto } from '../../scripts/src/testing/mosquitto.js';

/** A real mosquitto started by the test; a weather station publishing JSON, a sensor publishing plain numbers. */
const log = pino({ level: 'silent' });
let broker: Mosquitto;
let publisher: MqttClient;
let devices: MqttDevices;
const stored: PolledReading[] = [];
let health: HealthRegistry;

const station = MqttDeviceConfig.parse({
  id: 'weather-1',
  type: 'weather_station',
  protocol: 'mqtt',
  staleAfterMs: 1500,
  acceptRetained: true,
  subscriptions: [
    {
      topic: 'site/weather/+',
      format: 'json',
      timestampPath: 'time',
      fields: [
        { path: 'irradiance', metric: 'irradiance_w_m2' },
        { path: 'temps.module', metric: 'module_temperature_c' },
        { path: 'wind[0]', metric: 'wind_speed_m_s', multiplier: 0.1 },
      ],
    },
  ],
});
const sensor = MqttDeviceConfig.parse({
  id: 'ambient-1',
  type: 'weather_station',
  protocol: 'mqtt',
  staleAfterMs: 1500,
  subscriptions: [{ topic: 'site/ambient', format: 'number', fields: [{ metric: 'ambient_temperature_c' }] }],
});

const until = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  broker = await startMosquitto();
  publisher = await connectAsync(broker.url, { clientId: 'test-publisher' });
  // Published before the gateway subscribes: the broker replays it, retained.
  await publisher.publishAsync('site/weather/roof', JSON.stringify({ irradiance: 1, time: 1_700_000_000 }), { qos: 1, retain: true });
  await publisher.publishAsync('site/ambient', '21.5', { qos: 1, retain: true });
  health = new HealthRegistry([station, sensor], log);
  devices = startMqttDevices({
    broker: MqttBrokerConfig.parse({ url: broker.url, reconnectMinMs: 100, reconnectMaxMs: 1000 }),
    devices: [station, sensor],
    clientId: 'solarhub-test',
    health,
    sink: (r) => stored.push(...r),
    bootId: 'boot',
    log,
  });
  await until(() => devices.subscribed, 'subscribed');
});

afterAll(async () => {
  await devices?.stop();
  await publisher?.endAsync();
  await broker?.stop();
});

describe('MQTT devices on a real mosquitto', () => {
  it('stores a retained message only when it carries its own timestamp', async () => {
    await until(() => devices.stats('ambient-1')!.retainedSkipped === 1 && devices.stats('weather-1')!.stored === 1, 'retained handled');
    expect(stored.find((r) => r.device === 'weather-1')).toMatchObject({ metric: 'irradiance_w_m2', value: 1, ts: 1_700_000_000_000 });
    expect(stored.some((r) => r.device === 'ambient-1')).toBe(false);
  });

  it('maps JSON fields and numeric payloads to readings, with the payload time when present', async () => {
    stored.length = 0;
    await publisher.publishAsync('site/weather/roof', JSON.stringify({ irradiance: 812.5, temps: { module: 41.2 }, wind: [35], time: '2026-03-01T12:00:00Z' }), { qos: 1 });
    await publisher.publishAsync('site/ambient', ' 19.25 ', { qos: 1 });
    await until(() => stored.length === 4, 'four readings');
    const byMetric = Object.fromEntries(stored.map((r) => [r.metric, r]));
    expect(byMetric.irradiance_w_m2).toMatchObject({ device: 'weather-1', value: 812.5, unit: 'W/m2', ts: Date.parse('2026-03-01T12:00:00Z'), point: 'mqtt.site/weather/roof#irradiance' });
    expect(byMetric.module_temperature_c).toMatchObject({ value: 41.2, unit: 'Cel' });
    expect(byMetric.wind_speed_m_s!.value).toBeCloseTo(3.5, 9);
    expect(byMetric.ambient_temperature_c).toMatchObject({ device: 'ambient-1', value: 19.25 });
    expect(Math.abs(byMetric.ambient_temperature_c!.ts - Date.now())).toBeLessThan(5000);
    expect(health.get('weather-1')).toMatchObject({ status: 'online', lastError: null });
  });

  it('counts malformed payloads, marks the device in error, and keeps going', async () => {
    stored.length = 0;
    await publisher.publishAsync('site/weather/roof', '{not json', { qos: 1 });
    await publisher.publishAsync('site/weather/roof', JSON.stringify({ irradiance: 'bright' }), { qos: 1 });
    await until(() => devices.stats('weather-1')!.malformed === 2, 'two malformed');
    expect(health.get('weather-1')).toMatchObject({ status: 'error', lastError: expect.stringContaining('site/weather/roof') as unknown as string });
    await publisher.publishAsync('site/weather/roof', JSON.stringify({ irradiance: 100 }), { qos: 1 });
    await until(() => stored.length === 1, 'next good message');
    expect(health.get('weather-1')?.status).toBe('online');
  });

  it('marks a silent device offline, and reconnects after the broker restarts', async () => {
    await until(() => health.get('ambient-1')?.status === 'offline', 'ambient offline', 4000);
    expect(health.get('ambient-1')?.lastError).toBe('no MQTT message for 1500 ms');
    const port = broker.port;
    await broker.stop();
    await until(() => !devices.connected, 'disconnected');
    broker = await startMosquitto(port);
    await until(() => devices.subscribed, 'reconnected and subscribed again', 8000);
    await publisher.endAsync();
    publisher = await connectAsync(broker.url, { clientId: 'test-publisher-2' });
    stored.length = 0;
    // Subscriptions are made again on reconnect (the restarted broker kept no session).
    await publisher.publishAsync('site/ambient', '18', { qos: 1 });
    await until(() => stored.length === 1, 'message after reconnect');
    expect(health.get('ambient-1')?.status).toBe('online');
  }, 20_000);
});
