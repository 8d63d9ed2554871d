import { DeviceKey, DeviceType, MetricName } from '@solarhub/shared';
import { z } from 'zod';
import { int, nonEmpty } from './fields.js';

/**
 * The device section of the gateway configuration: one entry per device,
 * a union on `protocol`. Devices on the same serial port (or the same
 * RTU-over-TCP / Modbus TCP endpoint) share one bus: their requests go one
 * at a time, with the inter-frame gap the line needs.
 */

/** Fields every device has, whatever its protocol. */
const deviceBase = {
  id: DeviceKey.describe('Device key, unique on this gateway (e.g. "inverter-1"); the cloud names the device by it'),
  type: DeviceType.describe('What the device is: inverter, meter, battery, weather_station, mppt, other'),
  pollIntervalMs: int(100, 86_400_000).default(5000).describe('How often to poll the device, ms (default 5000)'),
  timeoutMs: int(50, 60_000).default(2000).describe('Timeout of one request to the device, ms (default 2000)'),
};

/** Fields of every Modbus device. */
const modbusBase = {
  ...deviceBase,
  unitId: int(0, 255).default(1).describe('Modbus unit id / slave address (default 1; 1-247 on a serial bus)'),
  retries: int(0, 10).default(1).describe('Extra attempts after a timeout, a broken reply or "busy" (default 1)'),
  maxBackoffMs: int(1000, 3_600_000)
    .default(60_000)
    .describe('A device that stops answering is polled less and less often (interval doubling), at least every this many ms (default 60000)'),
  profile: nonEmpty('a profile', 4096)
    .default('sunspec')
    .describe('Register map: "sunspec" (discovered from the device; default), a built-in profile id (e.g. "eastron_sdm630", "huawei_sun2000") or the path of a profile JSON file'),
  baseAddress: int(0, 65535)
    .optional()
    .describe('SunSpec base register address; omitted: probe 40000, 0 and 50000 (then 40001, 1, 50001)'),
};

const endpoint = {
  host: nonEmpty('a host name or IP address', 253).describe('Host name or IP address'),
  port: int(1, 65535).default(502).describe('TCP port (default 502)'),
};

export const ModbusTcpDeviceConfig = z
  .strictObject({
    ...modbusBase,
    ...endpoint,
    protocol: z.literal('modbus_tcp').describe('Modbus TCP (the device or a Modbus TCP gateway in front of it)'),
  })
  .describe('A device polled over Modbus TCP');
export type ModbusTcpDeviceConfig = z.infer<typeof ModbusTcpDeviceConfig>;

export const SerialPortConfig = z
  .strictObject({
    path: nonEmpty('a serial device path', 4096).describe('Serial device, e.g. "/dev/ttyUSB0" or "/dev/serial/by-id/..."'),
    baudRate: z
      .union([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((b) => z.literal(b)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>])
      .default(9600)
      .describe('Baud rate (default 9600)'),
    parity: z.enum(['none', 'even', 'odd']).default('none').describe('Parity (default "none"; Modbus specifies "even")'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8).describe('Data bits (default 8)'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1).describe('Stop bits (default 1)'),
    interFrameGapMs: z.number().min(0).max(1000).optional().describe('Silence between frames, ms; default 3.5 characters (1.75 ms above 19200 baud)'),
    recoverySilenceMs: int(0, 10_000).default(100).describe('Silence after a timeout or a broken reply before the next frame, ms (default 100)'),
  })
  .describe('An RS-485 port; every device naming the same path shares it');
export type SerialPortConfig = z.infer<typeof SerialPortConfig>;

export const ModbusRtuDeviceConfig = z
  .strictObject({
    ...modbusBase,
    protocol: z.literal('modbus_rtu').describe('Modbus RTU on a serial port (RS-485 adapter)'),
    serial: SerialPortConfig,
  })
  .describe('A device polled over Modbus RTU');
export type ModbusRtuDeviceConfig = z.infer<typeof ModbusRtuDeviceConfig>;

export const ModbusRtuOverTcpDeviceConfig = z
  .strictObject({
    ...modbusBase,
    ...endpoint,
    protocol: z.literal('modbus_rtu_over_tcp').describe('RTU frames over TCP (a serial-to-Ethernet converter in transparent mode)'),
    interFrameGapMs: z.number().min(0).max(1000).default(0).describe('Silence between frames the gateway keeps, ms (default 0: the converter keeps the serial gap)'),
    recoverySilenceMs: int(0, 10_000).default(100).describe('Silence after a timeout or a broken reply, ms (default 100)'),
  })
  .describe('A device behind a serial-to-Ethernet converter');
export type ModbusRtuOverTcpDeviceConfig = z.infer<typeof ModbusRtuOverTcpDeviceConfig>;

export const MqttFieldMapping = z
  .strictObject({
    path: z.string().max(256).default('').describe('Field path in a JSON payload ("data.irradiance", "values[0]"); "" = the whole payload (a plain number)'),
    metric: MetricName.describe('Metric name: normalized ("irradiance_w_m2") or "vendor.<name>"'),
    unit: z.string().max(16).optional().describe('Unit; default the normalized metric\'s unit'),
    multiplier: z.number().finite().default(1).describe('value = raw x multiplier + offset'),
    offset: z.number().finite().default(0),
  })
  .describe('One value in a message');

export const MqttSubscription = z
  .strictObject({
    topic: nonEmpty('a topic filter', 1024).describe('Topic filter, MQTT wildcards allowed ("site/weather/+")'),
    format: z.enum(['number', 'json']).default('json').describe('"number": the payload is one number; "json": an object with fields'),
    fields: z.array(MqttFieldMapping).min(1).describe('Values to take from each message'),
    timestampPath: z
      .string()
      .max(256)
      .optional()
      .describe('JSON field holding the measurement time (epoch s or ms, or ISO 8601); absent or unreadable: the arrival time'),
  })
  .describe('Messages a device publishes on one topic filter');

export const MqttDeviceConfig = z
  .strictObject({
    id: deviceBase.id,
    type: deviceBase.type,
    protocol: z.literal('mqtt').describe('A device that publishes to an MQTT broker (see `mqtt` for the broker)'),
    subscriptions: z.array(MqttSubscription).min(1),
    staleAfterMs: int(1000, 86_400_000)
      .default(120_000)
      .describe('No message for this long: the device counts as offline, ms (default 120000)'),
    acceptRetained: z
      .boolean()
      .default(false)
      .describe('Store retained messages (the broker\'s replay of an old last value) when they carry their own timestamp (timestampPath); default false: skipped and counted'),
  })
  .describe('A device read over MQTT');
export type MqttDeviceConfig = z.infer<typeof MqttDeviceConfig>;

/** One device. A union on `protocol`. */
export const DeviceConfig = z.discriminatedUnion('protocol', [ModbusTcpDeviceConfig, ModbusRtuDeviceConfig, ModbusRtuOverTcpDeviceConfig, MqttDeviceConfig], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected "protocol" to be one of: modbus_tcp, modbus_rtu, modbus_rtu_over_tcp, mqtt' : undefined,
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const MqttBrokerConfig = z
  .strictObject({
    url: z
      .string()
      .regex(/^(mqtts?|wss?):\/\/\S+$/, 'expected a URL like "mqtt://127.0.0.1:1883" or "mqtts://broker.example.org:8883"')
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL (default mqtt://127.0.0.1:1883, a local mosquitto); mqtts:// for TLS'),
    username: z.string().max(256).optional(),
    password: z.string().max(1024).optional(),
    clientId: z.string().min(1).max(128).optional().describe('Client id (default "solarhub-<gateway name>")'),
    caFile: z.string().optional().describe('PEM file of the CA to trust (TLS)'),
    certFile: z.string().optional().describe('PEM client certificate (TLS client authentication)'),
    keyFile: z.string().optional().describe('PEM client key'),
    rejectUnauthorized: z.boolean().default(true).describe('Check the broker\'s certificate (default true)'),
    reconnectMinMs: int(100, 60_000).default(1000).describe('First reconnect delay, ms; doubles per failure (default 1000)'),
    reconnectMaxMs: int(1000, 3_600_000).default(60_000).describe('Longest reconnect delay, ms (default 60000)'),
  })
  .describe('The MQTT broker MQTT devices publish to');
export type MqttBrokerConfig = z.infer<typeof MqttBrokerConfig>;

/** Devices sharing a serial port must agree on its settings and have distinct unit ids. */
export function checkSharedBuses(devices: readonly DeviceConfig[], ctx: z.RefinementCtx): void {
  const ports = new Map<string, { index: number; settings: string }>();
  const units = new Map<string, number>();
  devices.forEach((device, index) => {
    if (device.protocol === 'mqtt') return;
    const bus = device.protocol === 'modbus_rtu' ? `serial ${device.serial.path}` : `${device.host}:${device.port}`;
    if (device.protocol === 'modbus_rtu') {
      const { path: _path, ...rest } = device.serial;
      const settings = JSON.stringify(rest);
      const first = ports.get(device.serial.path);
      if (first && first.settings !== settings) {
        ctx.addIssue({ code: 'custom', path: [index, 'serial'], message: `serial port ${device.serial.path} is also used by devices[${first.index}] with other settings: one port, one set of settings` });
      } else if (!first) ports.set(device.serial.path, { index, settings });
    }
    // Two entries for one unit on a serial bus would poll it twice per interval: almost surely a typo.
    if (device.protocol !== 'modbus_rtu') return;
    const key = `${bus} unit ${device.unitId}`;
    const other = units.get(key);
    if (other !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'unitId'], message: `unit ${device.unitId} on ${bus} is also devices[${other}]` });
    else units.set(key, index);
  });
}
