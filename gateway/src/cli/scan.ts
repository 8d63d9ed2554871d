import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { DeviceType } from '@solarhub/shared';
import { createModelLibrary } from '../decoder/sunspec/definition.js';
import { decodeModel } from '../decoder/sunspec/decode.js';
import { discoverSunSpec, type SunSpecMap } from '../decoder/sunspec/discovery.js';
import { DeviceConnectionError } from '../errors.js';
import type { BusLink, ModbusBus } from '../device/modbus-bus.js';
import { ModbusUnit } from '../device/modbus-unit.js';
import { readRawConfig } from './config-file.js';
import { addDevices, deviceEntry } from './device-config.js';
import { action, cliLogger, EXIT, explained, print, type CliIo } from './io.js';
import { addLinkOptions, describeLink, linkFromOptions, openBus, parseInteger, parseUnitRange, type LinkOptions } from './link-options.js';
import { createProgress } from './progress.js';
import { formatTable } from './table.js';

export interface FoundDevice {
  unitId: number;
  manufacturer?: string | undefined;
  model?: string | undefined;
  serialNumber?: string | undefined;
  /** SunSpec model ids after the common model. */
  models: number[];
  baseAddress: number;
  type: DeviceType;
}

/** What a SunSpec device is, from the models it has. */
export function deviceTypeOf(models: readonly number[]): DeviceType {
  const has = (from: number, to: number) => models.some((m) => m >= from && m <= to);
  if (has(101, 199) || has(701, 799)) return 'inverter';
  if (has(201, 299)) return 'meter';
  if (has(801, 899) || has(124, 124)) return 'battery';
  if (has(301, 399)) return 'weather_station';
  if (has(160, 160)) return 'mppt';
  return 'other';
}

/** Device ids for what was found, not clashing with `taken`: inverter-1, inverter-2, meter-1... */
export function proposeIds(found: readonly FoundDevice[], taken: readonly string[]): string[] {
  const used = new Set(taken);
  return found.map((d) => {
    const prefix = d.type === 'weather_station' ? 'weather' : d.type;
    for (let n = 1; ; n++) {
      const id = `${prefix}-${n}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  });
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

async function probeUnit(bus: ModbusBus, unitId: number, timeoutMs: number): Promise<FoundDevice | undefined> {
  const unit = new ModbusUnit({ bus, unitId, timeoutMs, retries: 0 });
  const read = (a: number, n: number) => unit.readHoldingRegisters(a, n);
  let map: SunSpecMap;
  try {
    map = await discoverSunSpec(read);
  } catch (err) {
    if (err instanceof DeviceConnectionError) throw err;
    return undefined;
  }
  const found: FoundDevice = { unitId, models: map.models.map((m) => m.id).filter((id) => id !== 1), baseAddress: map.base, type: deviceTypeOf(map.models.map((m) => m.id)) };
  const common = map.models.find((m) => m.id === 1);
  const definition = createModelLibrary().get(1);
  if (common && definition) {
    try {
      const points = decodeModel(definition, await read(common.start, common.length + 2)).points;
      found.manufacturer = text(points.Mn);
      found.model = text(points.Md);
      found.serialNumber = text(points.SN);
    } catch {
      // Identity unreadable: still a SunSpec device.
    }
  }
  return found;
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

interface ScanOptions extends LinkOptions {
  units: string;
  add?: boolean;
  config: string;
  json?: boolean;
}

export function scanCommand(io: CliIo, defaultConfig: string): Command {
  const command = new Command('scan')
    .description('Find SunSpec devices on a Modbus TCP host or a serial port, show what they are, and offer to add them')
    .option('--units <range>', 'unit ids to try, e.g. "1-247" or "1,2,126"', '1-247')
    .option('--add', 'add what was found to the configuration without asking')
    .option('-c, --config <file>', 'configuration file to add devices to', defaultConfig)
    .option('--json', 'print what was found as JSON');
  addLinkOptions(command);
  command.setOptionValueWithSource('timeout', '300', 'default');
  return command.action(
    action(io, async (opts: ScanOptions) => {
      const link: BusLink = linkFromOptions(opts);
      const units = parseUnitRange(opts.units);
      const timeoutMs = parseInteger('--timeout', opts.timeout, 50, 60_000);
      const where = describeLink(link);
      print(io.stderr, `scanning ${where}, unit ids ${opts.units} (${units.length} ids, ${timeoutMs} ms each when nobody answers)`);
      const bus = openBus(link, timeoutMs, cliLogger(io, 'error'));
      const progress = createProgress(io.stderr, units.length, io.now);
      const found: FoundDevice[] = [];
      try {
        for (const [i, unitId] of units.entries()) {
          const device = await probeUnit(bus, unitId, timeoutMs);
          if (device) found.push(device);
          progress.update(i + 1, `unit ids, ${found.length} found`);
        }
      } catch (err) {
        throw explained(err, { target: where, now: io.now() });
      } finally {
        await bus.close();
      }
      if (opts.json) print(io.stdout, JSON.stringify(found));
      if (found.length === 0) {
        print(io.stderr, `no SunSpec device answered on ${where}`);
        print(io.stderr, 'hint: check the unit id range, the wiring and (serial) baud rate and parity; `solarhub-gateway device probe` reads raw registers of a device that is not SunSpec');
        return EXIT.failed;
      }
      if (!opts.json) {
        const rows = found.map((d) => [String(d.unitId), d.type, d.manufacturer ?? '?', d.model ?? '?', d.serialNumber ?? '?', d.models.join(' ')]);
        print(io.stdout, formatTable(['unit', 'type', 'maker', 'model', 'serial', 'SunSpec models'], rows, [0]));
      }
      let add = opts.add === true;
      if (!add && io.stdin.isTTY) add = await confirm(io, `add ${found.length === 1 ? 'it' : `these ${found.length}`} to ${opts.config}? [Y/n] `);
      if (!add) {
        if (!io.stdin.isTTY) print(io.stderr, 'to add them: run again with --add (or use `solarhub-gateway device add`)');
        return EXIT.ok;
      }
      const raw = readRawConfig(opts.config);
      const taken = Array.isArray(raw.devices) ? (raw.devices as Array<{ id?: unknown }>).map((d) => String(d.id)) : [];
      const ids = proposeIds(found, taken);
      const timeout = link.kind === 'tcp' ? undefined : 1000;
      addDevices(
        opts.config,
        found.map((d, i) => ({ ...deviceEntry({ id: ids[i]!, type: d.type, unitId: d.unitId, link, timeoutMs: timeout }), baseAddress: d.baseAddress })),
        io.env,
      );
      print(io.stdout, `added ${ids.join(', ')} to ${opts.config}`);
      return EXIT.ok;
    }),
  );
}
