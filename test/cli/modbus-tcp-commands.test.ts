/**
 * The installer's Modbus TCP commands, as the real binary, against the
 * simulated site: printed text and exit codes, field errors included.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSiteSimulator, type SiteSimulator } from '../../scripts/src/simulator/index.js';
import { runCli } from './run-cli.js';

let dir: string;
let config: string;
let tcp: SiteSimulator;
let closedPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solarhub-cli-'));
  config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({ gateway: { name: 'cli' }, cloud: { url: 'http://127.0.0.1:9', token: 'shg_x' }, dataDir: 'data', devices: [] }), { mode: 0o600 });
  tcp = await startSiteSimulator({ port: 0, unknownUnit: 'gateway-exception' });
  const other = await startSiteSimulator({ port: 0 });
  closedPort = other.port;
  await other.close();
  // The config the read-only tests below share.
  const scan = await runCli(['scan', '--host', '127.0.0.1', '--port', String(tcp.port), '--units', '1-4', '--add', '--config', config]);
  scanned = scan;
});

let scanned: Awaited<ReturnType<typeof runCli>>;

afterAll(async () => {
  await tcp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('Modbus TCP', () => {
  it('scan finds the inverter and the meter, shows maker/model/serial/models, and --add adds them', async () => {
    const r = scanned;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +1 +inverter +SolarHub +SIM-INV-3P-10000W +SIMINV0001 +103$/m);
    expect(r.stdout).toMatch(/^ +2 +meter +SolarHub +SIM-METER-3P +SIMMTR0002 +203$/m);
    expect(r.stdout).toContain(`added inverter-1, meter-1 to ${config}`);
    expect(r.stderr).toMatch(/\[#+\] 4\/4 unit ids, 2 found, done in/);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const devices = (JSON.parse(readFileSync(config, 'utf8')) as { devices: Array<{ id: string; unitId: number }> }).devices;
    expect(devices.map((d) => [d.id, d.unitId])).toEqual([
      ['inverter-1', 1],
      ['meter-1', 2],
    ]);
  });

  it('device list shows them; device test polls one and prints values with units', async () => {
    const list = await runCli(['device', 'list', '--config', config]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^inverter-1 +inverter +modbus_tcp +127\.0\.0\.1:\d+ +1 +5 s$/m);
    const test = await runCli(['device', 'test', 'meter-1', '--config', config]);
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('SolarHub SIM-METER-3P  serial SIMMTR0002');
    expect(test.stdout).toMatch(/^ac_power_w +-?\d+(\.\d+)? +W +sunspec\.203\.W$/m);
    expect(test.stdout).toMatch(/^energy_exported_wh +\d+ +Wh/m);
  });

  it('device probe shows a register pair in all four orders side by side', async () => {
    const r = await runCli(['device', 'probe', '--host', '127.0.0.1', '--port', String(tcp.port), '--unit', '1', '--address', '40000', '--count', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('40000-40001  0x5375 0x6e53');
    expect(r.stdout).toContain('text "SunS"');
    expect(r.stdout).toMatch(/ABCD big-endian +CDAB word swap +BADC byte swap +DCBA little-endian/);
    expect(r.stdout).toMatch(/uint32 +1400204883 +1850954613/);
  });

  it('device add refuses a duplicate id; device remove removes one', async () => {
    const own = join(dir, 'own.json');
    writeFileSync(own, readFileSync(config));
    const dup = await runCli(['device', 'add', 'meter-1', '--host', '127.0.0.1', '--config', own]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('error: a device "meter-1" is already configured');
    const removed = await runCli(['device', 'remove', 'meter-1', '--config', own]);
    expect(removed.code).toBe(0);
    const unknown = await runCli(['device', 'remove', 'meter-1', '--config', own]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('hint: configured: inverter-1');
  });

  it.each<[string, () => string[], RegExp, RegExp]>([
    ['nothing listening (closed loopback port)', () => ['device', 'test', '--host', '127.0.0.1', '--port', String(closedPort)], /error: nothing accepts connections at 127\.0\.0\.1:\d+/, /port \(Modbus TCP is usually 502\)/],
    ['a wrong unit id', () => ['device', 'test', '--host', '127.0.0.1', '--port', String(tcp.port), '--unit', '9'], /Modbus exception 11 \(gateway target device failed to respond\)/, /wrong unit id/],
    ['an illegal register', () => ['device', 'probe', '--host', '127.0.0.1', '--port', String(tcp.port), '--address', '7', '--count', '2'], /Modbus exception 2 \(illegal data address\)/, /no such register/],
  ])('explains %s', async (_name, args, error, hint) => {
    const r = await runCli(args());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(error);
    expect(r.stderr).toMatch(hint);
  });

  it('config validate lists every problem with its path and a hint, exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad, JSON.stringify({ gateway: { name: 'x' }, cloud: { url: 'ftp://x' }, dataDir: 'd', devices: [{ id: 'a', type: 'inverter', protocol: 'modbus_tcp', host: 'h', unitID: 3 }] }));
    const r = await runCli(['config', 'validate', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cloud.url: expected an http:// or https:// URL');
    expect(r.stderr).toContain('cloud.token: required');
    expect(r.stderr).toContain('devices[0].unitID: unknown key');
    expect(r.stderr).toContain('hint: did you mean "unitId"?');
    expect(r.stderr).toContain('hint: run `solarhub-gateway init');
    const good = await runCli(['config', 'validate', '--config', config]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('OK (gateway "cli", 2 device(s)');
  });
});
