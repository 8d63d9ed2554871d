import { Command } from 'commander';
import type { Logger } from 'pino';
import { DeviceConfig } from '../config/schema.js';
import { createModelLibrary } from '../decoder/sunspec/definition.js';
import { BusRegistry } from '../device/bus-registry.js';
import type { PollOutcome } from '../poller/device-poller.js';
import { createModbusSource, deviceLink, loadDeviceProfiles, type ModbusDeviceConfig } from '../poller/modbus-sources.js';
import { loadValidConfig } from './config-file.js';
import { deviceEntry } from './device-config.js';
import { explainError } from './explain.js';
import { action, CliError, cliLogger, EXIT, explained, print, type CliIo } from './io.js';
import { addLinkOptions, describeLink, linkFromOptions, parseInteger, type LinkOptions } from './link-options.js';
import { formatNumber } from './probe-decode.js';
import { formatTable } from './table.js';

/** One poll of one device, through the same source the daemon uses (SunSpec or a register-map profile), on its own bus. */
export async function pollOnce(device: ModbusDeviceConfig, log: Logger): Promise<PollOutcome> {
  const buses = new BusRegistry(log);
  try {
    const source = createModbusSource(device, { buses, library: createModelLibrary(), profiles: loadDeviceProfiles([device]), log });
    return await source.poll();
  } finally {
    await buses.close();
  }
}

/** The configured device `id`. */
export function configuredDevice(file: string, id: string, env: NodeJS.ProcessEnv): ModbusDeviceConfig {
  const config = loadValidConfig(file, env);
  const device = config.devices.find((d) => d.id === id);
  if (!device) {
    throw new CliError('DEVICE_UNKNOWN', `no device "${id}" in ${file}`, {
      hint: config.devices.length ? `configured: ${config.devices.map((d) => d.id).join(', ')}` : 'add one with `solarhub-gateway device add`',
      exitCode: EXIT.usage,
    });
  }
  if (device.protocol === 'mqtt') {
    throw new CliError('DEVICE_UNSUPPORTED', `device "${id}" publishes over MQTT: there is nothing to poll`, {
      hint: 'watch its messages with `mosquitto_sub -v -t "#"`; `solarhub-gateway status` shows its last values',
      exitCode: EXIT.usage,
    });
  }
  return device;
}

export function formatPollResult(result: PollOutcome): string {
  const id = result.identity ?? {};
  const lines = [`${id.manufacturer ?? '?'} ${id.model ?? '?'}  serial ${id.serialNumber ?? '?'}  firmware ${id.firmwareVersion ?? '?'}`, ''];
  const rows = result.blocks.flatMap((b) => b.values.map((v) => [v.metric, formatNumber(v.value), v.unit, v.point ?? '']));
  lines.push(rows.length ? formatTable(['metric', 'value', 'unit', 'point'], rows, [1]) : '(no values)');
  return lines.join('\n');
}

interface TestOptions extends LinkOptions {
  unit: string;
  config: string;
  profile?: string;
  json?: boolean;
}

export function deviceTestCommand(io: CliIo, defaultConfig: string): Command {
  const command = new Command('test')
    .description('Poll a device once and print every decoded value with its unit, or exactly why it failed')
    .argument('[id]', 'a configured device (or give --host/--serial and --unit)')
    .option('-u, --unit <id>', 'Modbus unit id, with --host/--serial', '1')
    .option('--profile <profile>', 'register map, with --host/--serial: "sunspec" or a profile id/file', 'sunspec')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .option('--json', 'print the result as JSON');
  addLinkOptions(command);
  return command.action(
    action(io, async (id: string | undefined, opts: TestOptions) => {
      const device = id
        ? configuredDevice(opts.config, id, io.env)
        : (DeviceConfig.parse({
            ...deviceEntry({
              id: 'test',
              type: 'other',
              unitId: parseInteger('--unit', opts.unit, 0, 255),
              link: linkFromOptions(opts),
              timeoutMs: parseInteger('--timeout', opts.timeout, 50, 60_000),
            }),
            profile: opts.profile,
            retries: 0,
          }) as ModbusDeviceConfig);
      const target = describeLink(deviceLink(device).link);
      const where = `${target} unit ${device.unitId}`;
      let result: PollOutcome;
      try {
        result = await pollOnce(device, cliLogger(io, 'error'));
      } catch (err) {
        throw explained(err, { target, now: io.now() });
      }
      if (opts.json) {
        print(io.stdout, JSON.stringify({ target: where, identity: result.identity ?? {}, values: result.blocks.flatMap((b) => b.values), errors: result.errors.map((e) => e.message) }));
      } else {
        print(io.stdout, `${where}: ${formatPollResult(result)}`);
      }
      for (const err of result.errors) {
        const e = explainError(err, { target });
        print(io.stderr, `${result.blocks.length ? 'warning: part of the device could not be read' : 'error'}: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
      }
      return result.blocks.length > 0 ? EXIT.ok : EXIT.failed;
    }),
  );
}
