import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../scripts/src/testing/postgres.js';
import { BACKENDS, batch, readings } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'cloud/src/main.ts');

/** The CLI from source, as a user runs it (tsx; the "source" condition resolves @solarhub/shared to src/). */
function cli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
  });
}

async function finish(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(BACKENDS)('solarhub-cloud CLI on %s', (backend) => {
  it('provisions, serves, ingests and stops cleanly on SIGTERM', async () => {
    const adminUrl = backend === 'postgres' ? inject('postgresAdminUrl') : null;
    const env: Record<string, string> = {};
    const dbArgs: string[] = [];
    if (adminUrl) env.DATABASE_URL = await createDatabase(adminUrl, 'cli');
    else {
      const dir = mkdtempSync(join(tmpdir(), 'solarhub-cli-'));
      dirs.push(dir);
      dbArgs.push('--data-dir', dir);
    }

    const provisioned = await finish(cli(['provision-demo', '--organization', 'Acme', '--site', 'Roof', '--gateway', 'gw-1', ...dbArgs], env));
    expect(provisioned.code, provisioned.stderr).toBe(0);
    const tokens = JSON.parse(provisioned.stdout);
    expect(tokens).toMatchObject({ gatewayToken: expect.stringMatching(/^shg_/), apiToken: expect.stringMatching(/^sha_/) });

    const server = cli(['serve', '--port', '0', ...dbArgs], env);
    const done = finish(server);
    const lines = createInterface({ input: server.stdout });
    let url = '';
    for await (const line of lines) {
      const entry = JSON.parse(line);
      if (entry.msg === 'cloud listening') {
        url = entry.url;
        break;
      }
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${url}/api/v1/health`)).json();
    expect(health).toEqual({ status: 'ok', database: adminUrl ? 'postgres' : 'pglite' });
    const ack = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.gatewayToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch(readings(1, 3))),
    });
    expect(await ack.json()).toEqual({ accepted: 3, duplicates: 0, ackedFrom: 1, ackedTo: 3 });

    server.kill('SIGTERM');
    const exit = await done;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain('"msg":"cloud stopped"');
  });
});

describe('solarhub-cloud CLI options', () => {
  it.each([
    [['serve', '--port', 'http'], /--port.*0 to 65535/],
    [['serve', '--database-url', 'mysql://x'], /invalid --database-url: must be a postgres/],
    [['provision-demo', '--site', 'a', '--gateway', 'b'], /--organization/],
  ])('%j fails with a message', async (args, message) => {
    const out = await finish(cli(args));
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(message);
  });
});
