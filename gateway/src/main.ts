#!/usr/bin/env node
import { Command } from 'commander';
import { DEFAULT_CONFIG_PATH } from './cli/config-file.js';
import { configValidateCommand } from './cli/config-validate.js';
import { deviceAddCommand, deviceListCommand, deviceRemoveCommand } from './cli/device-config.js';
import { deviceProbeCommand } from './cli/device-probe.js';
import { deviceTestCommand } from './cli/device-test.js';
import { initCommand } from './cli/init.js';
import type { CliIo } from './cli/io.js';
import { runCommand } from './cli/run.js';
import { scanCommand } from './cli/scan.js';
import { statusCommand } from './cli/status.js';
import { syncCommand } from './cli/sync.js';

/**
 * solarhub-gateway: wires the commands (one file each in cli/) to the
 * process. The only place that touches process.stdout/stderr/env directly.
 */
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  now: Date.now,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
const config = process.env.SOLARHUB_CONFIG ?? DEFAULT_CONFIG_PATH;

const program = new Command()
  .name('solarhub-gateway')
  .description('SolarHub gateway: polls inverters and meters, buffers readings on disk and syncs them to the SolarHub cloud')
  .showHelpAfterError('(add --help for usage)');

program.addCommand(initCommand(io, config));
program.addCommand(scanCommand(io, config));
program.addCommand(statusCommand(io, config));
program.addCommand(syncCommand(io, config));
program.addCommand(runCommand(io, config, (code) => process.exit(code)));
program.addCommand(new Command('config').description('Configuration tools').addCommand(configValidateCommand(io, config)));
program.addCommand(
  new Command('device')
    .description('Devices: probe registers, add, list, remove, test')
    .addCommand(deviceProbeCommand(io))
    .addCommand(deviceAddCommand(io, config))
    .addCommand(deviceListCommand(io, config))
    .addCommand(deviceRemoveCommand(io, config))
    .addCommand(deviceTestCommand(io, config)),
);

program.exitOverride((err) => {
  // Usage errors (unknown option, missing argument) exit 2; --help and --version exit 0.
  process.exit(err.exitCode === 0 ? 0 : 2);
});
await program.parseAsync(process.argv);
