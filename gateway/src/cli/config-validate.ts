import { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/load.js';
import { GatewayConfig } from '../config/schema.js';
import { hintFor } from './config-hints.js';
import { action, EXIT, print, type CliIo } from './io.js';
import { clockLooksUnset, CLOCK_HINT } from './explain.js';

/** Every key name the configuration schema knows, for "did you mean". */
export function schemaKeys(schema: z.ZodType = GatewayConfig): string[] {
  const keys = new Set<string>();
  const visit = (s: unknown, depth: number): void => {
    if (!s || typeof s !== 'object' || depth > 8) return;
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    const shape = def.shape as Record<string, unknown> | undefined;
    if (shape) for (const [k, v] of Object.entries(shape)) (keys.add(k), visit(v, depth + 1));
    for (const inner of [def.innerType, def.element, def.in, def.out, def.schema]) visit(inner, depth + 1);
    if (Array.isArray(def.options)) for (const o of def.options) visit(o, depth + 1);
  };
  visit(schema, 0);
  return [...keys];
}

export function configValidateCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('validate')
    .description('Check a configuration file: every problem with its path in the file and a hint')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .action(
      action(io, (opts: { config: string }) => {
      const keys = schemaKeys();
      try {
        const config = loadConfig(opts.config, { token: io.env.SOLARHUB_GATEWAY_TOKEN });
        print(io.stdout, `${opts.config}: OK (gateway "${config.gateway.name}", ${config.devices.length} device(s), data in ${config.dataDir})`);
        if (clockLooksUnset(io.now())) print(io.stderr, `warning: the clock says ${new Date(io.now()).toISOString()}: readings will be flagged clock_unsynced\nhint: ${CLOCK_HINT}`);
        return EXIT.ok;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        print(io.stderr, `${opts.config}: ${err.issues.length} problem(s)`);
        for (const issue of err.issues) {
          print(io.stderr, `  ${issue.path || '(file)'}: ${issue.message}`);
          const hint = hintFor(issue, keys);
          if (hint) print(io.stderr, `    hint: ${hint}`);
        }
        return EXIT.usage;
      }
    }),
    );
}
