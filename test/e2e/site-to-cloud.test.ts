/**
 * One reading's whole trip, with real processes and sockets: the simulated
 * site (Modbus TCP) -> the gateway process (poll, decode, SQLite outbox, sync)
 * -> the cloud process (ingest into Postgres, or PGlite) -> the public API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSiteSimulator } from '../../scripts/src/simulator/index.js';
import { programCommand, startService, type Service } from '../../scripts/src/process/service.js';
import { createDatabase } from '../../scripts/src/testing/postgres.js';

interface LatestValue {
  metric: string;
  value: number;
  unit: string;
  point?: string | null;
}

const NOON_UTC = new Date('2026-06-21T12:00:00Z');

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const backends = ['postgres', 'pglite'] as const;

describe.each(backends)('a reading from the site reaches the API (%s)', (backend) => {
  let tmp: string;
  let simulator: Awaited<ReturnType<typeof startSiteSimulator>>;
  let cloud: Service;
  let gateway: Service;
  let cloudUrl: string;
  let apiToken: string;
  let siteId: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), `solarhub-e2e-${backend}-`));
    // A fixed clock at local noon: the simulator's values stand still, so the
    // API must return exactly what the registers say, scale factors applied.
    simulator = await startSiteSimulator({ port: 0, now: () => NOON_UTC, utcOffsetMinutes: 0, ratedPowerW: 10_000, siteLoadW: 3_000 });

    const adminUrl = inject('postgresAdminUrl');
    let dbArgs: string[];
    if (backend === 'postgres' && adminUrl) {
      dbArgs = ['--database-url', await createDatabase(adminUrl, 'e2e')];
    } else {
      if (backend === 'postgres') process.stderr.write('e2e: no PostgreSQL binaries, the postgres case runs on PGlite (fallback)\n');
      dbArgs = ['--data-dir', join(tmp, 'cloud-db')];
    }
    const cli = programCommand('cloud', 'main', 'source');
    const provisioned = JSON.parse(
      execFileSync(cli[0]!, [...cli.slice(1), 'provision-demo', '--organization', 'E2E Org', '--site', 'E2E Site', '--gateway', 'e2e-gw', ...dbArgs], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim().split('\n').pop()!,
    ) as { siteId: string; gatewayToken: string; apiToken: string };
    apiToken = provisioned.apiToken;
    siteId = provisioned.siteId;

    cloud = await startService({
      name: 'cloud',
      command: [...cli, 'serve', '--host', '127.0.0.1', '--port', '0', ...dbArgs],
      ready: (l) => l.msg === 'cloud listening',
    });
    cloudUrl = String(cloud.readyLine.url);

    const configPath = join(tmp, 'gateway.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        gateway: { name: 'e2e-gw' },
        cloud: { url: cloudUrl, token: provisioned.gatewayToken },
        dataDir: join(tmp, 'gateway-data'),
        sync: { intervalMs: 500, maxBatchReadings: 5000 },
        devices: [
          { id: 'inverter-1', type: 'inverter', protocol: 'modbus_tcp', host: '127.0.0.1', port: simulator.port, unitId: 1, profile: 'sunspec', pollIntervalMs: 1000 },
          { id: 'grid-meter', type: 'meter', protocol: 'modbus_tcp', host: '127.0.0.1', port: simulator.port, unitId: 2, profile: 'sunspec', pollIntervalMs: 1000 },
        ],
      }),
      { mode: 0o600 },
    );
    gateway = await startService({
      name: 'gateway',
      command: [...programCommand('gateway', 'main', 'source'), 'run', '--config', configPath],
      ready: (l) => l.msg === 'gateway started',
    });
  });

  afterAll(async () => {
    const gatewayExit = await gateway?.stop();
    const cloudExit = await cloud?.stop();
    await simulator?.close();
    rmSync(tmp, { recursive: true, force: true });
    // Both shut down cleanly on SIGTERM.
    expect(gatewayExit).toBe(0);
    expect(cloudExit).toBe(0);
  });

  async function latest(deviceKey: string, metrics: string[]): Promise<Map<string, LatestValue>> {
    const headers = { authorization: `Bearer ${apiToken}` };
    return waitFor(`${deviceKey}: ${metrics.join(', ')}`, async () => {
      const devices = (await (await fetch(`${cloudUrl}/api/v1/sites/${siteId}/devices`, { headers })).json()) as {
        items: { id: string; key: string }[];
      };
      const device = devices.items.find((d) => d.key === deviceKey);
      if (!device) return undefined;
      const res = await fetch(`${cloudUrl}/api/v1/devices/${device.id}/latest`, { headers });
      const { values } = (await res.json()) as { values: LatestValue[] };
      const byMetric = new Map(values.map((v) => [v.metric, v]));
      return metrics.every((m) => byMetric.has(m)) ? byMetric : undefined;
    });
  }

  it("returns the inverter's AC power and lifetime energy with scale factors applied", async () => {
    const truth = simulator.snapshot();
    expect(truth.inverter.acPowerW).toBeGreaterThan(1000);
    const values = await latest('inverter-1', ['ac_power_w', 'ac_energy_wh', 'grid_frequency_hz']);
    const power = values.get('ac_power_w')!;
    expect(power.unit).toBe('W');
    expect(power.point).toBe('sunspec.103.W');
    // The register holds the value at the model's scale factor: within one step of it.
    expect(Math.abs(power.value - truth.inverter.acPowerW)).toBeLessThanOrEqual(10);
    const energy = values.get('ac_energy_wh')!;
    expect(energy.unit).toBe('Wh');
    expect(Math.abs(energy.value - truth.inverter.acEnergyWh)).toBeLessThanOrEqual(10);
    const hz = values.get('grid_frequency_hz')!;
    expect(hz.value).toBeGreaterThan(45);
    expect(hz.value).toBeLessThan(65);
  });

  it("returns the meter's power as negative while the site exports", async () => {
    const truth = simulator.snapshot();
    expect(truth.meter.acPowerW).toBeLessThan(0);
    const values = await latest('grid-meter', ['ac_power_w', 'energy_exported_wh']);
    const power = values.get('ac_power_w')!;
    expect(power.value).toBeLessThan(0);
    expect(Math.abs(power.value - truth.meter.acPowerW)).toBeLessThanOrEqual(10);
    expect(Math.abs(values.get('energy_exported_wh')!.value - truth.meter.exportedWh)).toBeLessThanOrEqual(10);
  });

  it('serves the series of a metric over a time range', async () => {
    const headers = { authorization: `Bearer ${apiToken}` };
    const devices = (await (await fetch(`${cloudUrl}/api/v1/sites/${siteId}/devices`, { headers })).json()) as {
      items: { id: string; key: string }[];
    };
    const inverter = devices.items.find((d) => d.key === 'inverter-1')!;
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const series = await waitFor('two points in the series', async () => {
      const res = await fetch(
        `${cloudUrl}/api/v1/devices/${inverter.id}/series?metric=ac_power_w&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
        { headers },
      );
      const body = (await res.json()) as { unit: string; points: { ts: string; value: number }[] };
      return body.points.length >= 2 ? body : undefined;
    });
    expect(series.unit).toBe('W');
    const times = series.points.map((p) => Date.parse(p.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
