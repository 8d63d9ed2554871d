import { connectAsync, type MqttClient } from 'mqtt';
import { solarFraction, type DayCurveOptions } from './day-curve.js';

/**
 * A weather station that publishes to an MQTT broker, as many do: one JSON
 * message per interval on `topic`, e.g.
 *   {"irradiance":812.4,"temps":{"module":41.2,"ambient":24.1},"time":"2026-03-01T12:00:00.000Z"}
 * Irradiance follows the simulator's day curve (1000 W/m2 at noon); the module
 * runs warmer than the air in proportion to the sun.
 */
export interface WeatherStationOptions {
  url: string;
  topic?: string | undefined;
  intervalMs?: number | undefined;
  now?: (() => Date) | undefined;
  dayCurve?: DayCurveOptions | undefined;
}

export interface WeatherStation {
  readonly topic: string;
  /** Publishes one message now (QoS 1). */
  publish(): Promise<void>;
  close(): Promise<void>;
}

export function weatherMessage(at: Date, dayCurve: DayCurveOptions = {}): { irradiance: number; temps: { module: number; ambient: number }; time: string } {
  const sun = solarFraction(at, dayCurve);
  const ambient = 15 + 10 * sun;
  return {
    irradiance: Math.round(1000 * sun * 10) / 10,
    temps: { module: Math.round((ambient + 25 * sun) * 10) / 10, ambient: Math.round(ambient * 10) / 10 },
    time: at.toISOString(),
  };
}

export async function startWeatherStation(opts: WeatherStationOptions): Promise<WeatherStation> {
  const topic = opts.topic ?? 'solarhub/demo/weather';
  const now = opts.now ?? (() => new Date());
  const client: MqttClient = await connectAsync(opts.url, { clientId: `solarhub-weather-sim-${process.pid}`, reconnectPeriod: 1000 });
  const publish = async () => {
    await client.publishAsync(topic, JSON.stringify(weatherMessage(now(), opts.dayCurve)), { qos: 1 });
  };
  const timer = setInterval(() => void publish().catch(() => undefined), opts.intervalMs ?? 5000);
  timer.unref();
  return {
    topic,
    publish,
    async close() {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}
