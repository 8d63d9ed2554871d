/**
 * The service unit as shipped, checked by systemd itself. `systemd-analyze
 * verify` needs the ExecStart binary to exist, so the test copies the unit to
 * a temp dir and points ExecStart at node, changing nothing else.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/src/process/service.js';

const unitText = readFileSync(join(repoRoot, 'systemd', 'solarhub-gateway.service'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'solarhub-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verify(name: string, text: string): { status: number | null; output: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

const pointedAtNode = (text: string) => text.replace(/^ExecStart=\/usr\/bin\/solarhub-gateway /m, `ExecStart=${process.execPath} `);

describe('systemd/solarhub-gateway.service', () => {
  it('passes systemd-analyze verify without a warning', () => {
    const copy = pointedAtNode(unitText);
    expect(copy).not.toBe(unitText);
    const r = verify('solarhub-gateway.service', copy);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('would be caught by the check when broken', () => {
    const r = verify('solarhub-gateway.service', pointedAtNode(unitText).replace('ProtectSystem=strict', 'ProtectSystem=strikt'));
    expect(r.output).toMatch(/protect system value/);
  });

  const directive = (key: string) => [...unitText.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
  it.each<[string, string]>([
    ['Type', 'notify'],
    ['NotifyAccess', 'all'],
    ['WatchdogSec', '30s'],
    ['Restart', 'on-failure'],
    ['StateDirectory', 'solarhub-gateway'],
    ['SupplementaryGroups', 'dialout'],
    ['User', 'solarhub'],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['PrivateTmp', 'yes'],
    ['ExecStart', '/usr/bin/solarhub-gateway run --config /etc/solarhub/gateway.json'],
  ])('sets %s=%s', (key, value) => {
    expect(directive(key)).toEqual([value]);
  });

  it.each(['PrivateDevices', 'ProtectClock', 'DevicePolicy', 'DeviceAllow', 'MemoryDenyWriteExecute'])('does not set %s (it would break serial ports or Node)', (key) => {
    expect(directive(key)).toEqual([]);
  });
});
