import { buildApp, cleanupAuth, createSession, issuePasswordResetToken, openDatabase, schema, type Database } from '@solarhub/cloud';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startCloud, type Cloud } from './harness.js';
import { TEST_LOG2N, addMember, call, login, newOrganization, type Member } from './tenants.js';

const RATE = { perIp: { max: 100, windowMs: 60_000 }, perEmail: { max: 3, windowMs: 60_000 } };

describe.each(BACKENDS)('sign-in, sessions and CSRF on %s', (backend) => {
  let cloud: Cloud;
  let owner: Member;
  let viewer: Member;
  let organizationId: string;
  let siteId: string;
  // A second app on the same database: another replica (on Postgres with its own pool, as another process would).
  let replica: { baseUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    const config = { passwordLog2N: TEST_LOG2N, loginRateLimit: RATE, trustProxy: true };
    cloud = await startCloud(backend, config);
    const org = await newOrganization(cloud);
    organizationId = org.organizationId;
    owner = org.owner;
    viewer = await addMember(cloud, organizationId, 'viewer');
    const log = pino({ level: 'silent' });
    const database: Database = cloud.url ? await openDatabase({ url: cloud.url, log }) : cloud.database;
    const app = buildApp({ database, log, config });
    replica = {
      baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }),
      close: async () => {
        await app.close();
        if (database !== cloud.database) await database.close();
      },
    };
    const { headers } = await login(cloud, owner.email, owner.password);
    const site = await call(cloud, 'POST', `/api/v1/organizations/${organizationId}/sites`, { headers, body: { name: 'Roof', timezone: 'Asia/Karachi' } });
    expect(site.status, site.text).toBe(201);
    siteId = site.body.id;
  });
  afterAll(async () => {
    await replica?.close();
    await cloud?.close();
  });

  it('signs in with an httpOnly SameSite cookie (no Secure over plain http) and returns the CSRF token and memberships', async () => {
    const { answer } = await login(cloud, owner.email.toUpperCase(), owner.password);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toMatch(/^solarhub_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(answer.body).toMatchObject({ user: { email: owner.email }, memberships: [{ organizationId, role: 'owner' }], csrfToken: expect.any(String) });
  });

  it('uses the __Host- Secure cookie over HTTPS and ignores the plain one there', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const res = await call(cloud, 'POST', '/api/v1/auth/login', { headers: https, body: { email: owner.email, password: owner.password } });
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-solarhub_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers: { ...https, cookie } })).status).toBe(200);
    const plain = cookie.replace('__Host-solarhub_session', 'solarhub_session');
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers: { ...https, cookie: plain } })).status).toBe(401);
  });

  it.each([
    ['a wrong password', () => owner.email, 'not-the-password'],
    ['an unknown email', () => 'nobody@example.test', 'whatever-password'],
  ])('refuses %s with the same 401', async (_name, email, password) => {
    const res = await call(cloud, 'POST', '/api/v1/auth/login', { body: { email: email(), password } });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'unauthorized', message: 'Wrong email or password' });
  });

  it('requires the CSRF token for unsafe requests made with the cookie, not for reads', async () => {
    const { headers } = await login(cloud, owner.email, owner.password);
    const cookieOnly = { cookie: headers.cookie! };
    expect((await call(cloud, 'GET', `/api/v1/sites/${siteId}`, { headers: cookieOnly })).status).toBe(200);
    const without = await call(cloud, 'PATCH', `/api/v1/sites/${siteId}`, { headers: cookieOnly, body: { utility: 'LESCO', version: 1 } });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const wrong = await call(cloud, 'PATCH', `/api/v1/sites/${siteId}`, { headers: { ...cookieOnly, 'x-csrf-token': 'x'.repeat(43) }, body: { version: 1 } });
    expect(wrong.status).toBe(403);
  });

  it('edits with optimistic locking: the stale version gets 409 and changes nothing', async () => {
    const { headers } = await login(cloud, owner.email, owner.password);
    const site = await call(cloud, 'GET', `/api/v1/sites/${siteId}`, { headers });
    const first = await call(cloud, 'PATCH', `/api/v1/sites/${siteId}`, { headers, body: { utility: 'IESCO', version: site.body.version } });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ utility: 'IESCO', version: site.body.version + 1 });
    expect(new Date(first.body.updatedAt).getTime()).toBeGreaterThan(new Date(site.body.updatedAt).getTime());
    const stale = await call(cloud, 'PATCH', `/api/v1/sites/${siteId}`, { headers, body: { utility: 'LESCO', version: site.body.version } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version_conflict', details: [{ path: 'body.version' }] });
    expect((await call(cloud, 'GET', `/api/v1/sites/${siteId}`, { headers })).body.utility).toBe('IESCO');
  });

  it("refuses what the member's role does not allow with 403", async () => {
    const { headers } = await login(cloud, viewer.email, viewer.password);
    expect((await call(cloud, 'GET', `/api/v1/sites/${siteId}`, { headers })).status).toBe(200);
    const patch = await call(cloud, 'PATCH', `/api/v1/sites/${siteId}`, { headers, body: { name: 'Mine', version: 1 } });
    expect(patch.status).toBe(403);
    expect(patch.body.error.code).toBe('forbidden');
    const token = await call(cloud, 'POST', `/api/v1/organizations/${organizationId}/api-tokens`, { headers, body: { name: 't' } });
    expect(token.status).toBe(403);
  });

  it('serves a session made on one replica from the other', async () => {
    const { headers } = await login(cloud, owner.email, owner.password);
    const res = await fetch(`${replica.baseUrl}/api/v1/auth/session`, { headers });
    expect(res.status).toBe(200);
    const patch = await fetch(`${replica.baseUrl}/api/v1/sites/${siteId}`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'from the replica', version: (await call(cloud, 'GET', `/api/v1/sites/${siteId}`, { headers })).body.version }),
    });
    expect(patch.status).toBe(200);
  });

  it('rate-limits logins per email across replicas, with Retry-After', async () => {
    const target = await addMember(cloud, organizationId, 'viewer');
    const attempt = (baseUrl: string) =>
      fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: target.email, password: 'guess-guess-guess' }),
      });
    const statuses = [];
    for (const baseUrl of [cloud.baseUrl, replica.baseUrl, cloud.baseUrl]) statuses.push((await attempt(baseUrl)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await attempt(replica.baseUrl);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password waits for the window.
    expect((await login(cloud, target.email, target.password)).answer.status).toBe(429);
  });

  it('resets a password with a single-use token, ending every session; expired tokens are refused', async () => {
    const member = await addMember(cloud, organizationId, 'manager');
    const { headers } = await login(cloud, member.email, member.password);
    const { token } = await issuePasswordResetToken(cloud.database.db, member.email);
    const reset = await call(cloud, 'POST', '/api/v1/auth/password-reset', { body: { token, password: 'a brand new password' } });
    expect(reset.status, reset.text).toBe(204);
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers })).status).toBe(401);
    const again = await call(cloud, 'POST', '/api/v1/auth/password-reset', { body: { token, password: 'another new password' } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_reset_token');
    expect((await login(cloud, member.email, 'a brand new password')).answer.status).toBe(200);

    const expired = await issuePasswordResetToken(cloud.database.db, member.email, -1000);
    const late = await call(cloud, 'POST', '/api/v1/auth/password-reset', { body: { token: expired.token, password: 'too late password' } });
    expect(late.status).toBe(400);
  });

  it('ends the session at logout', async () => {
    const { headers } = await login(cloud, owner.email, owner.password);
    expect((await call(cloud, 'POST', '/api/v1/auth/logout', { headers })).status).toBe(204);
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers })).status).toBe(401);
    const [user] = await cloud.database.db.select().from(schema.users).where(eq(schema.users.id, owner.userId));
    expect(user!.lastLoginAt).not.toBeNull();
  });

  it('cleans up expired sessions', async () => {
    const expired = await createSession(cloud.database.db, owner.userId, { ttlMs: -1000 }, {});
    const live = await createSession(cloud.database.db, owner.userId, { ttlMs: 60_000 }, {});
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers: { cookie: `solarhub_session=${expired.token}` } })).status).toBe(401);
    expect((await cleanupAuth(cloud.database.db)).sessions).toBeGreaterThanOrEqual(1);
    expect((await call(cloud, 'GET', '/api/v1/auth/session', { headers: { cookie: `solarhub_session=${live.token}` } })).status).toBe(200);
  });
});
