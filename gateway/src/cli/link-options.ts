import { Option, type Command } from 'commander';
import type { Logger } from 'pino';
import { describeLink, ModbusBus, type BusLink } from '../device/modbus-bus.js';
import type { Parity } from '../device/bus-timing.js';
import { CliError, EXIT } from './io.js';

/** Options naming a Modbus link on the command line (scan, device probe). */
export interface LinkOptions {
  host?: string;
  port: string;
  serial?: string;
  baud: string;
  parity: Parity;
  dataBits: string;
  stopBits: string;
  rtuOverTcp?: boolean;
  timeout: string;
}

export function addLinkOptions(command: Command): Command {
  return command
    .option('--host <host>', 'Modbus TCP: IP address or host name of the device (or of a serial-to-Ethernet converter)')
    .option('--port <port>', 'Modbus TCP port', '502')
    .option('--rtu-over-tcp', 'the TCP peer is a converter speaking RTU frames (not Modbus TCP)')
    .option('--serial <path>', 'RS-485 adapter, e.g. /dev/ttyUSB0')
    .option('--baud <rate>', 'serial baud rate', '9600')
    .addOption(new Option('--parity <parity>', 'serial parity').choices(['none', 'even', 'odd']).default('none'))
    .addOption(new Option('--data-bits <bits>', 'serial data bits').choices(['7', '8']).default('8'))
    .addOption(new Option('--stop-bits <bits>', 'serial stop bits').choices(['1', '2']).default('1'))
    .option('--timeout <ms>', 'timeout of one request, ms', '1000');
}

export function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError('USAGE', `${name}: expected a whole number between ${min} and ${max}, got "${value}"`, { exitCode: EXIT.usage });
  }
  return n;
}

/** `1-247`, `1,2,5`, `3` -> unit ids. */
export function parseUnitRange(value: string): number[] {
  const ids = new Set<number>();
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CliError('USAGE', `--units: expected e.g. "1-10" or "1,2,126", got "${value}"`, { exitCode: EXIT.usage });
    const from = parseInteger('--units', m[1]!, 0, 255);
    const to = m[2] === undefined ? from : parseInteger('--units', m[2], 0, 255);
    if (to < from) throw new CliError('USAGE', `--units: range "${part}" runs backwards`, { exitCode: EXIT.usage });
    for (let id = from; id <= to; id++) ids.add(id);
  }
  if (ids.size === 0) throw new CliError('USAGE', '--units: no unit id given', { exitCode: EXIT.usage });
  return [...ids].sort((a, b) => a - b);
}

export function linkFromOptions(opts: LinkOptions): BusLink {
  if (opts.host && opts.serial) throw new CliError('USAGE', 'give either --host or --serial, not both', { exitCode: EXIT.usage });
  if (opts.host) {
    const port = parseInteger('--port', opts.port, 1, 65535);
    return { kind: opts.rtuOverTcp ? 'rtu_over_tcp' : 'tcp', host: opts.host, port };
  }
  if (opts.serial) {
    return {
      kind: 'rtu',
      path: opts.serial,
      baudRate: parseInteger('--baud', opts.baud, 300, 921_600),
      parity: opts.parity,
      dataBits: Number(opts.dataBits) as 7 | 8,
      stopBits: Number(opts.stopBits) as 1 | 2,
    };
  }
  throw new CliError('USAGE', 'where is the device? give --host <ip> (Modbus TCP) or --serial <port> (RS-485)', { exitCode: EXIT.usage });
}

/** A bus for a one-off command: no retries on top, the command's own timeout for connecting. */
export function openBus(link: BusLink, timeoutMs: number, log: Logger): ModbusBus {
  return new ModbusBus({ link, log, connectTimeoutMs: Math.max(timeoutMs, 1000) });
}

export { describeLink };
