/**
 * scripts/install-gateway.sh and the release tarball it installs: shellcheck,
 * then install / update / uninstall as a dry run into a temp root (system
 * commands printed, files really written), and the installed release run
 * with nothing but its own node_modules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packGateway } from '../../scripts/src/pack/gateway.js';
import { repoRoot } from '../../scripts/src/process/service.js';

const script = join(repoRoot, 'scripts', 'install-gateway.sh');
let dir: string;
let tarball: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'solarhub-install-'));
  tarball = packGateway(join(dir, 'out')).file;
  root = join(dir, 'root');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function installer(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('install-gateway.sh', () => {
  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('installs the release, the unit and the folders, and leaves the configuration to init', () => {
    const r = installer('install', '--tarball', tarball, '--root', root, '--dry-run');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^\+ (useradd --system .*--groups dialout .*solarhub|usermod -aG dialout solarhub)$/m);
    expect(r.out).toContain('+ systemctl enable solarhub-gateway');
    expect(r.out).not.toContain('systemctl restart');
    expect(r.out).toContain('solarhub-gateway init --cloud');
    expect(readlinkSync(join(root, 'usr/bin/solarhub-gateway'))).toBe('/opt/solarhub-gateway/current/gateway/dist/main.js');
    expect(readlinkSync(join(root, 'opt/solarhub-gateway/current'))).toBe('releases/0.1.0');
    expect(readFileSync(join(root, 'etc/systemd/system/solarhub-gateway.service'), 'utf8')).toBe(readFileSync(join(repoRoot, 'systemd/solarhub-gateway.service'), 'utf8'));
    expect(statSync(join(root, 'etc/solarhub')).mode & 0o777).toBe(0o750);
    expect(existsSync(join(root, 'var/lib/solarhub-gateway'))).toBe(true);
    expect(existsSync(join(root, 'etc/solarhub/gateway.json'))).toBe(false);
  });

  it('ships a release that runs on its own node_modules', () => {
    const main = join(root, 'opt/solarhub-gateway/current/gateway/dist/main.js');
    const config = join(dir, 'gw.json');
    writeFileSync(config, JSON.stringify({ gateway: { name: 'packed' }, cloud: { url: 'http://127.0.0.1:9', token: 't' }, dataDir: join(dir, 'data') }));
    const r = spawnSync(main, ['config', 'validate', '--config', config], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('OK (gateway "packed", 0 device(s)');
    expect(r.status).toBe(0);
  });

  it('updates in place, keeping the configuration, and restarts a configured service', () => {
    writeFileSync(join(root, 'etc/solarhub/gateway.json'), '{"kept":true}');
    const r = installer('update', '--tarball', tarball, '--root', root, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.out).toContain('+ systemctl restart solarhub-gateway');
    expect(readFileSync(join(root, 'etc/solarhub/gateway.json'), 'utf8')).toBe('{"kept":true}');
  });

  it('uninstalls, keeping configuration and buffer unless --purge', () => {
    let r = installer('uninstall', '--root', root, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.out).toContain('+ systemctl disable --now solarhub-gateway');
    expect(existsSync(join(root, 'opt/solarhub-gateway'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system/solarhub-gateway.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/solarhub/gateway.json'))).toBe(true);
    r = installer('uninstall', '--purge', '--root', root, '--dry-run');
    expect(r.status).toBe(0);
    expect(existsSync(join(root, 'etc/solarhub'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/solarhub-gateway'))).toBe(false);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown argument', ['--frobnicate'], /unknown argument: --frobnicate/],
    ['a missing tarball', ['install', '--tarball', '/nonexistent.tar.gz', '--dry-run'], /no such file/],
    ['update before install', ['update', '--tarball', script, '--root', '/nonexistent-root', '--dry-run'], /not installed/],
  ])('refuses %s', (_name, args, message) => {
    const r = installer(...args);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(message);
  });
});
