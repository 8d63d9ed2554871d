import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claimGateway, hashToken, openDatabase, schema, type Database } from '@solarhub/cloud';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../scripts/src/testing/postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'cloud/src/main.ts');

/** The operator commands as an operator runs them, on Postgres (PGlite without server binaries). */
describe('solarhub-cloud operator commands', () => {
  const env: Record<string, string> = { DATABASE_URL: '' };
  const dbArgs: string[] = [];
  let dir: string | undefined;
  const log = pino({ level: 'silent' });

  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args, ...dbArgs], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = async (args: string[]) => {
    const out = await run(args);
    expect(out.code, out.stderr).toBe(0);
    return JSON.parse(out.stdout);
  };
  /** PGlite is single-process: the test opens the database only between commands. */
  const withDb = async <T>(fn: (database: Database) => Promise<T>): Promise<T> => {
    const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, log } : { dataDir: dir!, log });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    const adminUrl = inject('postgresAdminUrl');
    if (adminUrl) env.DATABASE_URL = await createDatabase(adminUrl, 'opcli');
    else {
      dir = mkdtempSync(join(tmpdir(), 'solarhub-opcli-'));
      dbArgs.push('--data-dir', dir);
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates an organization, a claim code, rotates and revokes a gateway, and issues a reset token', async () => {
    const org = await json(['org', 'create', '--name', 'Acme Solar', '--admin-email', 'Boss@Acme.test', '--admin-password', 'long enough password']);
    expect(org).toMatchObject({ organizationId: expect.any(String), userCreated: true });

    const siteId = await withDb(async (database) => {
      const [site] = await database.db.insert(schema.sites).values({ organizationId: org.organizationId, name: 'Roof' }).returning();
      return site!.id;
    });
    const code = await json(['claim-code', 'create', '--site', siteId, '--expires', '2h', '--gateway-name', 'roof-gw']);
    expect(code.code).toMatch(/^SHC(-[0-9A-Z]{4}){4}$/);
    expect(new Date(code.expiresAt).getTime() - Date.now()).toBeGreaterThan(119 * 60_000);

    const claimed = await withDb((database) => claimGateway(database.db, code.code));
    expect(claimed.gatewayName).toBe('roof-gw');
    const rotated = await json(['gateway', 'rotate', '--gateway', claimed.gatewayId]);
    expect(rotated.token).toMatch(/^shg_/);
    expect(await json(['gateway', 'revoke', '--gateway', claimed.gatewayId])).toEqual({ gatewayId: claimed.gatewayId, revoked: true });
    const [gateway] = await withDb((database) => database.db.select().from(schema.gateways).where(eq(schema.gateways.id, claimed.gatewayId)));
    expect(gateway).toMatchObject({ tokenHash: hashToken(rotated.token), revokedAt: expect.any(Date) });

    const reset = await json(['user', 'reset-password', '--email', 'boss@acme.test']);
    expect(reset).toMatchObject({ email: 'boss@acme.test', token: expect.stringMatching(/^shr_/) });
  });

  it.each([
    [['claim-code', 'create', '--site', '00000000-0000-4000-8000-000000000000'], 1, /site_not_found/],
    [['claim-code', 'create', '--site', '00000000-0000-4000-8000-000000000000', '--expires', '90d'], 2, /invalid --expires: must be a duration/],
    [['gateway', 'revoke', '--gateway', 'nope'], 2, /invalid --gateway/],
    [['user', 'reset-password', '--email', 'ghost@acme.test'], 1, /user_not_found/],
  ])('%j exits %i naming the problem', async (args, code, message) => {
    const out = await run(args);
    expect(out.code).toBe(code);
    expect(out.stderr).toMatch(message);
  });
});
