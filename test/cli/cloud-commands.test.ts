/**
 * The installer's cloud-facing commands, as the real binary: `init` against
 * a real cloud with a real claim code, then `run` (readiness, status, reload
 * on SIGHUP, clean SIGTERM), `status` and `sync`; and the cloud errors: a
 * self-signed certificate, and a clock that is not set (faketime).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, provisionDemo, runMigrations } from '@solarhub/cloud';
import { createClaimCode } from '../../cloud/src/provisioning/claim.js';
import { programCommand, startService, stopCleanly, type Service } from '../../scripts/src/process/service.js';
import { startSiteSimulator, type SiteSimulator } from '../../scripts/src/simulator/index.js';
import { createDatabase } from '../../scripts/src/testing/postgres.js';
import { runCli } from './run-cli.js';

let dir: string;
let simulator: SiteSimulator;
let cloud: Service;
let cloudUrl: string;
let codes: string[];
let tls: Server;
let tlsUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solarhub-cli-cloud-'));
  simulator = await startSiteSimulator({ port: 0 });
  const adminUrl = inject('postgresAdminUrl');
  const dbArgs = adminUrl ? ['--database-url', await createDatabase(adminUrl, 'cli')] : ['--data-dir', join(dir, 'cloud-db')];
  const log = pino({ level: 'silent' });
  const database = await openDatabase(adminUrl ? { url: dbArgs[1], log, poolSize: 2 } : { dataDir: dbArgs[1], log });
  try {
    await runMigrations(database, log);
    const { siteId } = await provisionDemo(database.db, { organization: 'CLI Org', site: 'CLI Site', gateway: 'demo-gw' });
    codes = [];
    for (let i = 0; i < 2; i++) codes.push((await createClaimCode(database.db, { siteId, gatewayName: `roof-${i}` })).code);
  } finally {
    await database.close();
  }
  cloud = await startService({
    name: 'cloud',
    command: [...programCommand('cloud', 'main', 'source'), 'serve', '--host', '127.0.0.1', '--port', '0', ...dbArgs],
    ready: (l) => l.msg === 'cloud listening',
  });
  cloudUrl = String(cloud.readyLine.url);

  // A cloud with a self-signed certificate, made here with openssl.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  tls = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => tls?.close(resolve));
  if (cloud) await stopCleanly(cloud);
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('init, run, status, sync', () => {
  it('init exchanges the claim code for a token and writes the config (0600) and the data folder', async () => {
    const config = join(dir, 'gw', 'gateway.json');
    const r = await runCli(['init', '--cloud', cloudUrl, '--claim-code', codes[0]!.toLowerCase(), '--config', config]);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gateway "roof-0" \([0-9a-f-]{36}\) claimed for site/);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(config, 'utf8')) as { cloud: { token: string; url: string }; dataDir: string };
    expect(written.cloud.token).toMatch(/^shg_/);
    expect(statSync(join(dir, 'gw', 'data')).isDirectory()).toBe(true);

    const again = await runCli(['init', '--cloud', cloudUrl, '--claim-code', codes[0]!, '--config', config]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has a gateway token');
    const used = await runCli(['init', '--cloud', cloudUrl, '--claim-code', codes[0]!, '--config', config, '--force']);
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/the cloud refused the claim code: .*invalid_claim_code/);
    expect(used.stderr).toContain('hint: claim codes work once and expire');
  });

  it('run reports ready, status shows devices and buffer, SIGHUP reloads, SIGTERM stops cleanly; then sync pushes the rest', async () => {
    const config = join(dir, 'gw', 'gateway.json');
    const added = await runCli(['device', 'add', 'inverter-1', '--host', '127.0.0.1', '--port', String(simulator.port), '--unit', '1', '--poll-interval', '500', '--config', config]);
    expect(added.code).toBe(0);
    const gateway = await startService({
      name: 'gateway',
      command: [...programCommand('gateway', 'main', 'source'), 'run', '--config', config],
      ready: (l) => l.msg === 'gateway started',
    });
    try {
      let status = await runCli(['status', '--config', config]);
      for (let i = 0; i < 20 && !/inverter-1 +online/.test(status.stdout); i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = await runCli(['status', '--config', config]);
      }
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/gateway "roof-0" running \(pid \d+\)/);
      expect(status.stdout).toMatch(/^inverter-1 +online/m);
      expect(status.stdout).toMatch(/buffer: \d+ reading\(s\) waiting/);
      // The last values, with units, as the installer wants to see them.
      expect(status.stdout).toMatch(/^inverter-1 +ac_power_w +[\d.]+ +W +/m);
      const json = JSON.parse((await runCli(['status', '--json', '--config', config])).stdout) as {
        running: boolean;
        devices: unknown[];
        lastValues: Record<string, Record<string, { value: number; unit: string }>>;
      };
      expect(json.lastValues['inverter-1']?.ac_energy_wh?.unit).toBe('Wh');
      expect(json.running).toBe(true);

      // A second device added while it runs: picked up by the file watcher, without a restart.
      const meter = await runCli(['device', 'add', 'meter-1', '--type', 'meter', '--host', '127.0.0.1', '--port', String(simulator.port), '--unit', '2', '--config', config]);
      expect(meter.code).toBe(0);
      gateway.child.kill('SIGHUP');
      for (let i = 0; i < 30 && !/meter-1 +online/.test(status.stdout); i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = await runCli(['status', '--config', config]);
      }
      expect(status.stdout).toMatch(/^meter-1 +online/m);
      expect(gateway.tail()).toContain('reloading configuration');

      const refused = await runCli(['sync', '--config', config]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('syncs on its own');
    } finally {
      const started = Date.now();
      await stopCleanly(gateway);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(gateway.tail()).toContain('gateway stopped');
    // The last status written says so (pid 0), with the buffer and sync as last seen.
    expect(gateway.tail()).not.toContain('cannot write the status file');
    const last = JSON.parse((await runCli(['status', '--json', '--config', config])).stdout) as { pid: number; sync: { lastSuccessAt: number | null } };
    expect(last.pid).toBe(0);
    expect(last.sync.lastSuccessAt).toBeGreaterThan(0);
    const stopped = await runCli(['status', '--config', config]);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toContain('NOT RUNNING');
    const sync = await runCli(['sync', '--config', config]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/synced \d+ reading\(s\); the buffer is empty|nothing to sync/);
  });
});

describe('cloud errors', () => {
  it('explains a cloud certificate nobody vouches for', async () => {
    const r = await runCli(['init', '--cloud', tlsUrl, '--claim-code', codes[1]!, '--config', join(dir, 'tls.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the certificate of https:\/\/127\.0\.0\.1:\d+ is not signed by an authority this gateway trusts \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(r.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('explains a clock that is not set (the certificate seems not yet valid)', async () => {
    const r = await runCli(['init', '--cloud', tlsUrl, '--claim-code', codes[1]!, '--config', join(dir, 'clock.json')], {
      wrap: ['faketime', '1970-01-02 00:00:00'],
      env: { FAKETIME_DONT_FAKE_MONOTONIC: '1', NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
    });
    expect(r.stderr).toContain('warning: the clock says 1970-01-02');
    expect(r.stderr).toMatch(/error: the cloud's certificate looks not yet valid because this gateway's clock says 1970-01-02/);
    expect(r.stderr).toContain('timedatectl');
    expect(r.code).toBe(1);
  });
});
