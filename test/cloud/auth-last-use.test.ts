import { AppConfig, buildApp, cleanupAuth, hashToken } from '@solarhub/cloud';
import { sql, type SQL } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startCloud, type Cloud } from './harness.js';
import { TEST_LOG2N, call, login, newOrganization, type Member } from './tenants.js';

/**
 * Last use of credentials and the session idle timeout, through the app on a
 * real database. No sleeping: the stamps are moved back in SQL, which is what
 * the passing of time does to them (the checks use the database's clock).
 */
const IDLE_MS = 60 * 60_000;

describe.each(BACKENDS)('last use of API tokens and sessions, idle timeout, on %s', (backend) => {
  let cloud: Cloud;
  let owner: Member;
  let organizationId: string;

  const rows = async <T>(query: SQL): Promise<T[]> => ((await cloud.database.db.execute(query)) as unknown as { rows: T[] }).rows;
  /** A stamp as text (exact comparison) and whether it is within the last 5 seconds. */
  const stamp = async (table: 'api_tokens' | 'sessions', column: 'last_used_at' | 'last_seen_at', id: string) => {
    const [row] = await rows<{ at: string | null; fresh: boolean | null }>(
      sql`SELECT ${sql.raw(column)}::text AS at, now() - ${sql.raw(column)} < interval '5 seconds' AS fresh
          FROM ${sql.raw(table)} WHERE id = ${id}::uuid`,
    );
    return row!;
  };
  const moveBack = (table: 'api_tokens' | 'sessions', column: 'last_used_at' | 'last_seen_at', id: string, by: string) =>
    cloud.database.db.execute(sql`UPDATE ${sql.raw(table)} SET ${sql.raw(column)} = now() - ${by}::interval WHERE id = ${id}::uuid`);

  async function newApiToken(): Promise<{ id: string; token: string; lastUsedAt: unknown }> {
    const { headers } = await login(cloud, owner.email, owner.password);
    const res = await call(cloud, 'POST', `/api/v1/organizations/${organizationId}/api-tokens`, { headers, body: { name: 'integration' } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  }
  const useToken = (token: string) => call(cloud, 'GET', '/api/v1/sites', { headers: { authorization: `Bearer ${token}` } });

  async function newSession(): Promise<{ id: string; cookie: string }> {
    const { answer, headers } = await login(cloud, owner.email, owner.password);
    expect(answer.status, answer.text).toBe(200);
    const token = headers.cookie!.split('=')[1]!;
    const [row] = await rows<{ id: string }>(sql`SELECT id FROM sessions WHERE token_hash = ${hashToken(token)}`);
    return { id: row!.id, cookie: headers.cookie! };
  }
  const useSession = (cookie: string) => call(cloud, 'GET', '/api/v1/auth/session', { headers: { cookie } });

  beforeAll(async () => {
    cloud = await startCloud(backend, { passwordLog2N: TEST_LOG2N, sessionIdleTimeoutMs: IDLE_MS });
    const org = await newOrganization(cloud);
    organizationId = org.organizationId;
    owner = org.owner;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('stamps an API token on first use, not again within the minute, again after it', async () => {
    const created = await newApiToken();
    expect(created.lastUsedAt).toBeNull();
    expect((await stamp('api_tokens', 'last_used_at', created.id)).at).toBeNull();

    expect((await useToken(created.token)).status).toBe(200);
    const first = await stamp('api_tokens', 'last_used_at', created.id);
    expect(first.at).not.toBeNull();
    expect(first.fresh).toBe(true);

    expect((await useToken(created.token)).status).toBe(200);
    expect((await stamp('api_tokens', 'last_used_at', created.id)).at).toBe(first.at);

    // 30 seconds old: still within the minute, left alone.
    await moveBack('api_tokens', 'last_used_at', created.id, '30 seconds');
    const recent = await stamp('api_tokens', 'last_used_at', created.id);
    expect((await useToken(created.token)).status).toBe(200);
    expect((await stamp('api_tokens', 'last_used_at', created.id)).at).toBe(recent.at);

    // Two minutes old: rewritten to now.
    await moveBack('api_tokens', 'last_used_at', created.id, '2 minutes');
    const old = await stamp('api_tokens', 'last_used_at', created.id);
    expect((await useToken(created.token)).status).toBe(200);
    const renewed = await stamp('api_tokens', 'last_used_at', created.id);
    expect(renewed.at).not.toBe(old.at);
    expect(renewed.fresh).toBe(true);
  });

  it('shows lastUsedAt in the token list', async () => {
    const used = await newApiToken();
    const unused = await newApiToken();
    expect((await useToken(used.token)).status).toBe(200);
    const { headers } = await login(cloud, owner.email, owner.password);
    const list = await call(cloud, 'GET', `/api/v1/organizations/${organizationId}/api-tokens?limit=100`, { headers });
    expect(list.status, list.text).toBe(200);
    const byId = new Map<string, { lastUsedAt: string | null }>(list.body.items.map((t: { id: string }) => [t.id, t]));
    const [row] = await rows<{ ms: number }>(sql`SELECT (extract(epoch FROM last_used_at) * 1000)::float8 AS ms FROM api_tokens WHERE id = ${used.id}::uuid`);
    expect(Math.abs(Date.parse(byId.get(used.id)!.lastUsedAt!) - Number(row!.ms))).toBeLessThan(1);
    expect(byId.get(unused.id)!.lastUsedAt).toBeNull();
  });

  it('does not stamp revoked or unknown tokens', async () => {
    const created = await newApiToken();
    const { headers } = await login(cloud, owner.email, owner.password);
    expect((await call(cloud, 'DELETE', `/api/v1/api-tokens/${created.id}`, { headers })).status).toBe(204);
    expect((await useToken(created.token)).status).toBe(403);
    expect((await stamp('api_tokens', 'last_used_at', created.id)).at).toBeNull();
  });

  it('answers the request and logs a warning when the stamp cannot be written', async () => {
    const created = await newApiToken();
    const warnings: { msg: string; tokenId?: string; err?: { message: string } }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    // A second app on the same database, logging to the test.
    const app = buildApp({ database: cloud.database, log, config: { passwordLog2N: TEST_LOG2N } });
    const db = cloud.database.db;
    await db.execute(sql`CREATE FUNCTION test_refuse_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'stamp refused by the test'; END $$`);
    await db.execute(sql`CREATE TRIGGER test_refuse_stamp BEFORE UPDATE OF last_used_at ON api_tokens FOR EACH ROW EXECUTE FUNCTION test_refuse_stamp()`);
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/sites', headers: { authorization: `Bearer ${created.token}` } });
      expect(res.statusCode, res.body).toBe(200);
    } finally {
      await db.execute(sql`DROP TRIGGER test_refuse_stamp ON api_tokens`);
      await db.execute(sql`DROP FUNCTION test_refuse_stamp()`);
      await app.close();
    }
    expect((await stamp('api_tokens', 'last_used_at', created.id)).at).toBeNull();
    const warning = warnings.find((w) => w.tokenId === created.id);
    expect(warning?.msg).toMatch(/recording the last use/);
    expect(warning?.err?.message).toMatch(/stamp refused by the test/);
    // And once the database takes it again, the next use is stamped.
    expect((await useToken(created.token)).status).toBe(200);
    expect((await stamp('api_tokens', 'last_used_at', created.id)).fresh).toBe(true);
  });

  it('stamps a session at most once a minute', async () => {
    const session = await newSession();
    await moveBack('sessions', 'last_seen_at', session.id, '30 seconds');
    const recent = await stamp('sessions', 'last_seen_at', session.id);
    expect((await useSession(session.cookie)).status).toBe(200);
    expect((await stamp('sessions', 'last_seen_at', session.id)).at).toBe(recent.at);

    await moveBack('sessions', 'last_seen_at', session.id, '2 minutes');
    const old = await stamp('sessions', 'last_seen_at', session.id);
    expect((await useSession(session.cookie)).status).toBe(200);
    const renewed = await stamp('sessions', 'last_seen_at', session.id);
    expect(renewed.at).not.toBe(old.at);
    expect(renewed.fresh).toBe(true);
  });

  it('refuses a session idle past the timeout with the same 401 as an unknown one, and keeps an active one', async () => {
    const idle = await newSession();
    const active = await newSession();
    await moveBack('sessions', 'last_seen_at', idle.id, `${IDLE_MS / 60_000 + 1} minutes`);
    await moveBack('sessions', 'last_seen_at', active.id, `${IDLE_MS / 60_000 - 1} minutes`);

    const unknown = await useSession(`solarhub_session=${'A'.repeat(43)}`);
    const refused = await useSession(idle.cookie);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(unknown.body);
    // Refused on a tenant route too.
    expect((await call(cloud, 'GET', `/api/v1/organizations/${organizationId}`, { headers: { cookie: idle.cookie } })).status).toBe(401);

    const kept = await useSession(active.cookie);
    expect(kept.status, kept.text).toBe(200);
    // Its use moved the idle clock: it is fresh again.
    expect((await stamp('sessions', 'last_seen_at', active.id)).fresh).toBe(true);
  });

  it('cleans up idle sessions when given the idle timeout, and only those', async () => {
    const idle = await newSession();
    const active = await newSession();
    await moveBack('sessions', 'last_seen_at', idle.id, `${IDLE_MS / 60_000 + 1} minutes`);
    const exists = async (id: string) => (await rows(sql`SELECT 1 FROM sessions WHERE id = ${id}::uuid`)).length === 1;

    // Without the idle timeout only expired sessions go (an idle one is refused anyway).
    await cleanupAuth(cloud.database.db);
    expect(await exists(idle.id)).toBe(true);

    const removed = await cleanupAuth(cloud.database.db, { sessionIdleTimeoutMs: IDLE_MS });
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(await exists(idle.id)).toBe(false);
    expect(await exists(active.id)).toBe(true);
    expect((await useSession(active.cookie)).status).toBe(200);
  });
});

describe('sessionIdleTimeoutMs', () => {
  it.each([
    [undefined, 12 * 3_600_000],
    [120_000, 120_000],
    [30 * 24 * 3_600_000, 30 * 24 * 3_600_000],
  ])('accepts %s as %s', (input, expected) => {
    expect(AppConfig.parse(input === undefined ? {} : { sessionIdleTimeoutMs: input }).sessionIdleTimeoutMs).toBe(expected);
  });

  it.each([[60_000], [0], [-1], [1.5e5 + 0.5]])('refuses %s, naming the option', (value) => {
    const result = AppConfig.safeParse({ sessionIdleTimeoutMs: value });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['sessionIdleTimeoutMs']);
  });
});
