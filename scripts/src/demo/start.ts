/**
 * `npm start`: the whole system on one machine. A cloud (embedded PGlite
 * under .data/cloud unless DATABASE_URL points at a real Postgres), a demo
 * organization/site/gateway, a simulated site (a SunSpec inverter and a grid
 * meter over Modbus TCP) and a gateway polling it and syncing to the cloud.
 * Ctrl-C stops everything.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../testing/postgres.js';
import { programCommand, repoRoot, startService, type Service } from '../process/service.js';
import { isPortFree } from './ports.js';
import { demoBroker } from './mqtt-broker.js';
import { startWeatherStation } from '../simulator/weather-mqtt.js';
import { printStatus } from './status.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

interface Provisioned {
  organizationId: string;
  siteId: string;
  gatewayId: string;
  gatewayToken: string;
  apiToken: string;
  /** The demo owner's sign-in (new password every start). */
  adminEmail?: string;
  adminPassword?: string;
}

async function main(): Promise<void> {
  const dataDir = join(repoRoot, '.data');
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const databaseUrl = process.env.DATABASE_URL;
  const dbArgs = databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', join(dataDir, 'cloud')];
  const wanted = Number(process.env.SOLARHUB_PORT ?? 8080);
  const cloudPort = (await isPortFree(wanted)) ? wanted : await freePort();

  out(`SolarHub demo: starting (logs in ${logDir})`);
  const provisioned = provisionDemo(dbArgs);

  const services: Service[] = [];
  /** In-process parts (MQTT broker, weather station), closed after the services. */
  const closers: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    out('\nStopping...');
    // Gateway first so it flushes to a cloud that is still up, then the rest.
    for (const svc of [...services].reverse()) {
      const exit = await svc.stop();
      out(`  ${svc.name} stopped (exit ${exit})`);
    }
    for (const close of closers.reverse()) await close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    services.push(
      await startService({
        name: 'cloud',
        command: [...programCommand('cloud', 'main', 'dist'), 'serve', '--host', '127.0.0.1', '--port', String(cloudPort), ...dbArgs],
        logFile: join(logDir, 'cloud.log'),
        ready: (l) => l.msg === 'cloud listening',
      }),
    );
    const cloudUrl = `http://127.0.0.1:${cloudPort}`;
    const siteOffset = daytimeOffsetMinutes(new Date());
    const simulator = await startService({
      name: 'simulator',
      command: [
        ...programCommand('scripts', 'simulator/main', 'dist'),
        '--host', '127.0.0.1', '--port', '0', '--utc-offset-minutes', String(siteOffset),
      ],
      logFile: join(logDir, 'simulator.log'),
      ready: (l) => l.msg === 'simulator listening',
    });
    services.push(simulator);
    const simPort = Number(simulator.readyLine.port);

    const broker = await demoBroker();
    closers.push(() => broker.close());
    const station = await startWeatherStation({ url: broker.url, now: () => new Date(), dayCurve: { utcOffsetMinutes: siteOffset } });
    closers.push(() => station.close());

    const gatewayDir = join(dataDir, 'gateway');
    mkdirSync(gatewayDir, { recursive: true });
    const configPath = join(gatewayDir, 'config.json');
    const config = {
      gateway: { name: 'demo-gateway' },
      cloud: { url: cloudUrl, token: provisioned.gatewayToken },
      dataDir: gatewayDir,
      sync: { intervalMs: 2000, maxBatchReadings: 5000 },
      mqtt: { url: broker.url },
      devices: [
        { id: 'inverter-1', type: 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: simPort, unitId: 1, profile: 'sunspec', pollIntervalMs: 5000 },
        { id: 'grid-meter', type: 'meter', protocol: 'modbus_tcp', host: '127.0.0.1', port: simPort, unitId: 2, profile: 'sunspec', pollIntervalMs: 5000 },
        {
          id: 'weather-1', type: 'weather_station', protocol: 'mqtt', staleAfterMs: 30_000,
          subscriptions: [{ topic: station.topic, format: 'json', timestampPath: 'time', fields: [
            { path: 'irradiance', metric: 'irradiance_w_m2' },
            { path: 'temps.module', metric: 'module_temperature_c' },
            { path: 'temps.ambient', metric: 'ambient_temperature_c' },
          ] }],
        },
      ],
    };
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(configPath, 0o600);
    services.push(
      await startService({
        name: 'gateway',
        command: [...programCommand('gateway', 'main', 'dist'), 'run', '--config', configPath],
        logFile: join(logDir, 'gateway.log'),
        ready: (l) => l.msg === 'gateway started',
      }),
    );

    for (const svc of services) {
      void svc.exited.then((code) => {
        if (!stopping) {
          out(`\n${svc.name} exited unexpectedly (code ${code}); last output:\n${svc.tail()}`);
          void stopAll(1);
        }
      });
    }

    out('');
    out('SolarHub is running:');
    out(`  cloud API      ${cloudUrl}/api/v1   (database: ${databaseUrl ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite in ${join(dataDir, 'cloud')}`})`);
    out(`  API token      ${provisioned.apiToken}`);
    if (provisioned.adminEmail) out(`  sign in        ${provisioned.adminEmail} / ${provisioned.adminPassword}   (POST ${cloudUrl}/api/v1/auth/login)`);
    out(`  simulated site Modbus TCP 127.0.0.1:${simPort} (unit 1: SunSpec inverter, unit 2: grid meter)`);
    out(`                 placed at UTC${siteOffset >= 0 ? '+' : '-'}${formatOffset(Math.abs(siteOffset))} so that the sun is up there now`);
    out(`  weather station MQTT ${broker.url} topic ${station.topic} (${broker.kind === 'mosquitto' ? 'the local mosquitto' : 'embedded broker: no mosquitto on 127.0.0.1:1883'})`);
    out(`  gateway        config ${configPath}, buffer in ${gatewayDir}`);
    out('');
    out('Try:');
    out(`  curl -H "Authorization: Bearer ${provisioned.apiToken}" ${cloudUrl}/api/v1/sites/${provisioned.siteId}/devices`);
    out('');
    out('Live values every 10 s below. Ctrl-C stops everything.');
    const tick = () => void printStatus({ cloudUrl, apiToken: provisioned.apiToken, siteId: provisioned.siteId, out });
    setTimeout(tick, 7000);
    setInterval(tick, 10_000).unref();
  } catch (err) {
    out(`SolarHub demo failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

/** Creates (or reuses) the demo organization, site and gateway; fresh tokens each start. */
function provisionDemo(dbArgs: string[]): Provisioned {
  const [node, ...cli] = programCommand('cloud', 'main', 'dist');
  const args = [...cli, 'provision-demo', '--organization', 'Demo Solar Co', '--site', 'Demo Rooftop', '--gateway', 'demo-gateway', ...dbArgs];
  try {
    const stdout = execFileSync(node!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(stdout.trim().split('\n').pop()!) as Provisioned;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    out(`SolarHub demo: could not set up the demo organization in the cloud database:\n${stderr.trim()}`);
    out('If .data/cloud was written by an older version, move it aside and start again.');
    process.exit(1);
  }
}

/** A time zone where it is late morning now, so the demo shows production whenever it runs. */
function daytimeOffsetMinutes(now: Date): number {
  const utcMinutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  let offset = Math.round((11 * 60 - utcMinutes) / 15) * 15;
  if (offset < -720) offset += 1440;
  if (offset > 840) offset -= 1440;
  return offset;
}

function formatOffset(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

void main();
