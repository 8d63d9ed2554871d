import { Command, Option } from 'commander';
import { DeviceType } from '@solarhub/shared';
import type { DeviceConfig } from '../config/schema.js';
import { readRawConfig, writeConfigFile, type RawConfig } from './config-file.js';
import { action, CliError, EXIT, print, type CliIo } from './io.js';
import { addLinkOptions, linkFromOptions, parseInteger, type LinkOptions } from './link-options.js';
import { formatTable } from './table.js';

/** `device add`, `device list`, `device remove`: edit the devices of the configuration file. */

export interface NewDevice {
  id: string;
  type: string;
  unitId: number;
  link: ReturnType<typeof linkFromOptions>;
  pollIntervalMs?: number | undefined;
  timeoutMs?: number | undefined;
}

/** The JSON entry for a device, as the configuration file spells it. */
export function deviceEntry(d: NewDevice): Record<string, unknown> {
  const common = { id: d.id, type: d.type, unitId: d.unitId, ...(d.pollIntervalMs ? { pollIntervalMs: d.pollIntervalMs } : {}), ...(d.timeoutMs ? { timeoutMs: d.timeoutMs } : {}) };
  switch (d.link.kind) {
    case 'tcp':
      return { ...common, protocol: 'modbus_tcp', host: d.link.host, port: d.link.port };
    case 'rtu_over_tcp':
      return { ...common, protocol: 'modbus_rtu_over_tcp', host: d.link.host, port: d.link.port };
    case 'rtu':
      return {
        ...common,
        protocol: 'modbus_rtu',
        serial: { path: d.link.path, baudRate: d.link.baudRate, parity: d.link.parity, dataBits: d.link.dataBits, stopBits: d.link.stopBits },
      };
  }
}

function devicesOf(raw: RawConfig): Array<Record<string, unknown>> {
  const devices = raw.devices ?? [];
  if (!Array.isArray(devices)) throw new CliError('CONFIG_INVALID', '"devices" in the configuration is not a list', { exitCode: EXIT.usage });
  return devices as Array<Record<string, unknown>>;
}

/** Adds entries to the file (validated before anything is written). Refuses ids already there. */
export function addDevices(file: string, entries: ReadonlyArray<Record<string, unknown>>, env: NodeJS.ProcessEnv): void {
  const raw = readRawConfig(file);
  const devices = devicesOf(raw);
  for (const entry of entries) {
    if (devices.some((d) => d.id === entry.id)) {
      throw new CliError('DEVICE_EXISTS', `a device "${String(entry.id)}" is already configured`, {
        hint: `pick another id, or \`solarhub-gateway device remove ${String(entry.id)}\` first`,
        exitCode: EXIT.usage,
      });
    }
  }
  writeConfigFile(file, { ...raw, devices: [...devices, ...entries] }, env);
}

/** Where a configured device answers, in words. */
export function deviceAddress(d: DeviceConfig | Record<string, unknown>): string {
  const r = d as Record<string, unknown>;
  if (typeof r.host === 'string') return `${r.host}:${String(r.port ?? 502)}${r.protocol === 'modbus_rtu_over_tcp' ? ' (RTU over TCP)' : ''}`;
  const serial = r.serial as Record<string, unknown> | undefined;
  if (serial && typeof serial.path === 'string') return `${serial.path} @ ${String(serial.baudRate ?? 9600)} ${String(serial.parity ?? 'none')}`;
  if (Array.isArray(r.subscriptions)) return `mqtt ${(r.subscriptions as Array<{ topic?: unknown }>).map((s) => String(s.topic)).join(', ')}`;
  return '?';
}

export function deviceAddCommand(io: CliIo, defaultConfig: string): Command {
  const command = new Command('add')
    .description('Add a device to the configuration file (checked before it is written)')
    .argument('<id>', 'device id, e.g. inverter-1 (the cloud shows the device under it)')
    .addOption(new Option('-t, --type <type>', 'what the device is').choices(DeviceType.options).default('inverter'))
    .option('-u, --unit <id>', 'Modbus unit id (slave address)', '1')
    .option('--poll-interval <ms>', 'poll every ms (default 5000)')
    .option('-c, --config <file>', 'configuration file', defaultConfig);
  addLinkOptions(command);
  return command.action(
    action(io, (id: string, opts: LinkOptions & { type: string; unit: string; pollInterval?: string; config: string }) => {
      const entry = deviceEntry({
        id,
        type: opts.type,
        unitId: parseInteger('--unit', opts.unit, 0, 255),
        link: linkFromOptions(opts),
        pollIntervalMs: opts.pollInterval === undefined ? undefined : parseInteger('--poll-interval', opts.pollInterval, 100, 86_400_000),
        timeoutMs: opts.timeout === '1000' ? undefined : parseInteger('--timeout', opts.timeout, 50, 60_000),
      });
      addDevices(opts.config, [entry], io.env);
      print(io.stdout, `added ${id} (${opts.type}, ${deviceAddress(entry)}, unit ${String(entry.unitId)}) to ${opts.config}`);
      print(io.stdout, 'a running gateway picks it up at once (it watches the file); check it with `solarhub-gateway device test ' + id + '`');
      return EXIT.ok;
    }),
  );
}

export function deviceListCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('list')
    .description('List the configured devices')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .option('--json', 'as JSON')
    .action(
      action(io, (opts: { config: string; json?: boolean }) => {
        const devices = devicesOf(readRawConfig(opts.config));
        if (opts.json) {
          print(io.stdout, JSON.stringify(devices));
          return EXIT.ok;
        }
        if (devices.length === 0) {
          print(io.stdout, 'no devices configured: `solarhub-gateway scan` finds them, `solarhub-gateway device add` adds one');
          return EXIT.ok;
        }
        const rows = devices.map((d) => [String(d.id), String(d.type), String(d.protocol), deviceAddress(d), String(d.unitId ?? 1), `${Number(d.pollIntervalMs ?? 5000) / 1000} s`]);
        print(io.stdout, formatTable(['id', 'type', 'protocol', 'address', 'unit', 'every'], rows, [4]));
        return EXIT.ok;
      }),
    );
}

export function deviceRemoveCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('remove')
    .description('Remove a device from the configuration file (its buffered readings are still sent)')
    .argument('<id>', 'device id')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .action(
      action(io, (id: string, opts: { config: string }) => {
        const raw = readRawConfig(opts.config);
        const devices = devicesOf(raw);
        const kept = devices.filter((d) => d.id !== id);
        if (kept.length === devices.length) {
          throw new CliError('DEVICE_UNKNOWN', `no device "${id}" in ${opts.config}`, {
            hint: devices.length ? `configured: ${devices.map((d) => String(d.id)).join(', ')}` : 'no devices are configured',
            exitCode: EXIT.usage,
          });
        }
        writeConfigFile(opts.config, { ...raw, devices: kept }, io.env);
        print(io.stdout, `removed ${id} from ${opts.config}`);
        return EXIT.ok;
      }),
    );
}
