#!/usr/bin/env node
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { startGateway } from './daemon.js';

/**
 * solarhub-gateway: the CLI. The only place that reads the environment
 * (SOLARHUB_GATEWAY_TOKEN) and writes to stdout/stderr directly.
 */
function load(file: string): GatewayConfig {
  try {
    return loadConfig(file, { token: process.env.SOLARHUB_GATEWAY_TOKEN });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`invalid configuration ${file}:\n${err.issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const program = new Command()
  .name('solarhub-gateway')
  .description('SolarHub gateway: polls inverters and meters, buffers readings on disk and syncs them to the SolarHub cloud');

program
  .command('run')
  .description('Run the gateway until SIGINT/SIGTERM')
  .requiredOption('-c, --config <file>', 'configuration file (JSON)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'))
  .action((opts: { config: string; logLevel: string }) => {
    const config = load(opts.config);
    const log = pino({ level: opts.logLevel });
    const gateway = startGateway({ config, log });
    let signals = 0;
    const shutdown = (signal: NodeJS.Signals) => {
      if (++signals > 1) process.exit(1);
      log.info({ signal }, 'stopping');
      gateway.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program
  .command('config')
  .description('Configuration tools')
  .command('validate')
  .description('Check a configuration file and list every problem')
  .requiredOption('-c, --config <file>', 'configuration file (JSON)')
  .action((opts: { config: string }) => {
    const config = load(opts.config);
    process.stdout.write(`${opts.config}: OK (gateway "${config.gateway.name}", ${config.devices.length} device(s), data in ${config.dataDir})\n`);
  });

await program.parseAsync(process.argv);
