import { Command, Option } from 'commander';
import type { RegisterTable } from '../device/modbus-bus.js';
import { action, cliLogger, EXIT, explained, print, type CliIo } from './io.js';
import { addLinkOptions, describeLink, linkFromOptions, openBus, parseInteger, type LinkOptions } from './link-options.js';
import { decodeRegisterPairs, formatPair } from './probe-decode.js';

interface ProbeOptions extends LinkOptions {
  unit: string;
  address: string;
  count: string;
  table: RegisterTable;
  json?: boolean;
}

/** Reads at most this many registers a request (Modbus allows 125). */
const MAX_PER_READ = 125;

export function deviceProbeCommand(io: CliIo): Command {
  const command = new Command('probe')
    .description('Read a register range and show each register pair decoded as every type in all four byte/word orders')
    .option('-u, --unit <id>', 'Modbus unit id (slave address)', '1')
    .requiredOption('-a, --address <register>', 'first register (0-based protocol address, e.g. 40000)')
    .option('-n, --count <n>', 'how many registers', '10')
    .addOption(new Option('--table <table>', 'register table').choices(['holding', 'input']).default('holding'))
    .option('--json', 'print the decoded pairs as JSON');
  addLinkOptions(command);
  return command.action(
    action(io, async (opts: ProbeOptions) => {
      const link = linkFromOptions(opts);
      const unitId = parseInteger('--unit', opts.unit, 0, 255);
      const address = parseInteger('--address', opts.address, 0, 65535);
      const count = parseInteger('--count', opts.count, 2, 2000);
      const timeoutMs = parseInteger('--timeout', opts.timeout, 50, 60_000);
      const bus = openBus(link, timeoutMs, cliLogger(io));
      const words: number[] = [];
      try {
        for (let at = address; at < address + count; at += MAX_PER_READ) {
          const n = Math.min(MAX_PER_READ, address + count - at);
          words.push(...(await bus.read({ unitId, table: opts.table, address: at, count: n, timeoutMs })));
        }
      } catch (err) {
        throw explained(err, { target: describeLink(link), now: io.now() });
      } finally {
        await bus.close();
      }
      const pairs = decodeRegisterPairs(address, words);
      if (opts.json) {
        print(io.stdout, JSON.stringify({ unitId, table: opts.table, address, registers: words, pairs }));
        return EXIT.ok;
      }
      print(io.stdout, `${describeLink(link)} unit ${unitId}, ${opts.table} registers ${address}..${address + count - 1}:\n`);
      print(io.stdout, pairs.map(formatPair).join('\n\n'));
      return EXIT.ok;
    }),
  );
}
