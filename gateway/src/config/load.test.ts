import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, loadConfig, parseConfig } from './load.js';

const good = () => ({
  gateway: { name: 'roof-gw-1' },
  cloud: { url: 'http://127.0.0.1:8080', token: 'shg_test' },
  dataDir: '/var/lib/solarhub-gateway',
  sync: { intervalMs: 5000, maxBatchReadings: 5000 },
  devices: [
    {
      id: 'inverter-1',
      type: 'inverter',
      protocol: 'modbus_tcp',
      host: '127.0.0.1',
      port: 1502,
      unitId: 1,
      profile: 'sunspec',
      pollIntervalMs: 5000,
      timeoutMs: 2000,
    },
  ],
});

type Config = ReturnType<typeof good>;

function issuesOf(raw: unknown, token?: string): string[] {
  try {
    parseConfig(raw, { token });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).message.split('\n');
  }
  throw new Error('expected the config to be rejected');
}

describe('parseConfig', () => {
  it('accepts the documented example and fills defaults', () => {
    const config = parseConfig(good());
    expect(config.devices[0]).toMatchObject({ id: 'inverter-1', port: 1502, timeoutMs: 2000 });
    expect(config.cloud.requestTimeoutMs).toBe(30_000);
    expect(config.sync.maxBackoffMs).toBe(60_000);
  });

  it('fills defaults for a minimal file', () => {
    const config = parseConfig({
      gateway: { name: 'gw' },
      cloud: { url: 'https://cloud.example.org', token: 't' },
      dataDir: 'data',
      devices: [{ id: 'inv', type: 'inverter', protocol: 'modbus_tcp', host: '10.0.0.5' }],
    }, {}, '/etc/solarhub');
    expect(config.sync).toEqual({
      intervalMs: 5000, maxBatchReadings: 20_000, maxBackoffMs: 60_000, retryBaseMs: 1000, maxBatchBytes: 4 * 1024 * 1024, inFlight: 2, maxClockSkewMs: 120_000,
    });
    expect(config.buffer).toEqual({ maxBytes: 1024 * 1024 * 1024, maxAgeMs: 0, whenFull: 'drop_oldest', synchronous: 'full' });
    expect(config.devices[0]).toMatchObject({ port: 502, unitId: 1, profile: 'sunspec', pollIntervalMs: 5000, timeoutMs: 2000 });
    expect(config.dataDir).toBe('/etc/solarhub/data');
  });

  it('takes the token from the overrides when the file has none, and prefers the file', () => {
    const raw = good() as { cloud: { url: string; token?: string } };
    delete raw.cloud.token;
    expect(parseConfig(raw, { token: 'from-env' }).cloud.token).toBe('from-env');
    expect(parseConfig(good(), { token: 'from-env' }).cloud.token).toBe('shg_test');
  });

  it.each<[string, (c: Config) => unknown, string[]]>([
    ['port out of range', (c) => { c.devices[0]!.port = 70000; }, ['devices[0].port: expected a number between 1 and 65535']],
    ['port not a number', (c) => { (c.devices[0] as Record<string, unknown>).port = '502'; }, ['devices[0].port: expected a number between 1 and 65535']],
    ['fractional unit id', (c) => { c.devices[0]!.unitId = 1.5; }, ['devices[0].unitId: expected a whole number between 0 and 255']],
    ['typo in a device key', (c) => { (c.devices[0] as Record<string, unknown>).hots = 'x'; }, ['devices[0].hots: unknown key (a typo?)']],
    ['typo at the top', (c) => { (c as Record<string, unknown>).device = []; }, ['device: unknown key (a typo?)']],
    ['unknown protocol', (c) => { (c.devices[0] as Record<string, unknown>).protocol = 'bacnet'; }, ['devices[0].protocol: expected "protocol" to be one of: modbus_tcp, modbus_rtu, modbus_rtu_over_tcp, mqtt']],
    ['bad device id', (c) => { c.devices[0]!.id = 'inverter 1'; }, ['devices[0].id: device key: letters, digits, "_", "." and "-", starting with a letter or digit']],
    ['bad device type', (c) => { c.devices[0]!.type = 'toaster'; }, [expect.stringMatching(/^devices\[0\]\.type: /) as unknown as string]],
    ['missing host', (c) => { delete (c.devices[0] as Record<string, unknown>).host; }, ['devices[0].host: expected a host name or IP address (text)']],
    ['bad url', (c) => { c.cloud.url = 'ftp://x'; }, ['cloud.url: expected an http:// or https:// URL']],
    ['missing token', (c) => { delete (c.cloud as Record<string, unknown>).token; }, ['cloud.token: required: set cloud.token in the file or the SOLARHUB_GATEWAY_TOKEN environment variable']],
    ['batch too large', (c) => { c.sync.maxBatchReadings = 100_000; }, ['sync.maxBatchReadings: expected a number between 1 and 50000']],
    ['duplicate device ids', (c) => { c.devices.push({ ...c.devices[0]! }); }, ['devices[1].id: duplicate device id "inverter-1" (also devices[0].id)']],
    ['missing gateway name', (c) => { (c as Record<string, unknown>).gateway = {}; }, ['gateway.name: expected a gateway name (text)']],
  ])('rejects %s', (_name, mutate, expected) => {
    const raw = good();
    mutate(raw);
    expect(issuesOf(raw)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    const raw = good();
    raw.devices[0]!.port = 0;
    raw.sync.intervalMs = -1;
    (raw as Record<string, unknown>).extra = true;
    expect(issuesOf(raw).sort()).toEqual([
      'devices[0].port: expected a number between 1 and 65535',
      'extra: unknown key (a typo?)',
      'sync.intervalMs: expected a number between 100 and 3600000',
    ]);
  });
});

describe('formatPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['devices', 1, 'port'], 'devices[1].port'],
    [['cloud', 'url'], 'cloud.url'],
  ])('%j -> %s', (segments, expected) => {
    expect(formatPath(segments)).toBe(expected);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-config-'));

  it('reads a file and resolves dataDir against its folder', () => {
    const file = path.join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ ...good(), dataDir: './data' }));
    expect(loadConfig(file).dataDir).toBe(path.join(dir, 'data'));
  });

  it.each([
    ['broken JSON', '{"gateway": ', /is not valid JSON/],
    ['a missing file', null, /cannot read/],
  ])('reports %s', (_name, content, message) => {
    const file = path.join(dir, `case-${Math.random()}.json`);
    if (content !== null) writeFileSync(file, content);
    expect(() => loadConfig(file)).toThrow(message);
  });
});
