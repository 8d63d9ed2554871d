import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startSiteSimulator, type SiteSimulatorOptions } from './index.js';

/**
 * Runs the site simulator until SIGINT or SIGTERM.
 *   node scripts/dist/simulator/main.js [--host 127.0.0.1] [--port 1502]
 *     [--rated-power-w 10000] [--site-load-w 3000] [--utc-offset-minutes N]
 *     [--inverter-unit-id 1] [--meter-unit-id 2] [--unknown-unit gateway-exception|no-reply]
 *     [--log-level info]
 * Prints one JSON line {"msg":"simulator listening","host":...,"port":...} when ready.
 */
const USAGE =
  'usage: main.js [--host H] [--port P] [--rated-power-w W] [--site-load-w W] [--utc-offset-minutes M] ' +
  '[--inverter-unit-id N] [--meter-unit-id N] [--unknown-unit gateway-exception|no-reply] [--log-level L]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '1502' },
      'rated-power-w': { type: 'string' },
      'site-load-w': { type: 'string' },
      'utc-offset-minutes': { type: 'string' },
      'inverter-unit-id': { type: 'string' },
      'meter-unit-id': { type: 'string' },
      'unknown-unit': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = pino({ level: values['log-level'] });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const opts: SiteSimulatorOptions = {
    host: values.host,
    port: num(values.port),
    ratedPowerW: num(values['rated-power-w']),
    siteLoadW: num(values['site-load-w']),
    utcOffsetMinutes: num(values['utc-offset-minutes']),
    inverterUnitId: num(values['inverter-unit-id']),
    meterUnitId: num(values['meter-unit-id']),
    unknownUnit: values['unknown-unit'] as SiteSimulatorOptions['unknownUnit'],
    log: log.child({ component: 'simulator' }),
  };
  for (const k of Object.keys(opts) as (keyof SiteSimulatorOptions)[]) if (opts[k] === undefined) delete opts[k];

  const sim = await startSiteSimulator(opts);
  log.info({ host: sim.host, port: sim.port, inverterUnitId: sim.inverterUnitId, meterUnitId: sim.meterUnitId }, 'simulator listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting at once');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'simulator stopping');
    sim.close().then(
      () => {
        log.info('simulator stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'simulator close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
});
