import type { CatalogRoute } from '@solarhub/cloud';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, batch, ingest, readings, startCloud, type Cloud } from './harness.js';
import { TEST_LOG2N, call, everyRole, login, newOrganization, sessionCredentials, tokenCredentials, type Credentials } from './tenants.js';

/**
 * Walks EVERY route of the app (from fastify's own route list, so a new route
 * cannot be left out) with users and API tokens of every role from another
 * organization, aimed at organization A's ids: nothing of A may be read
 * (no 2xx naming any of A's ids) or changed (A's rows identical afterwards).
 */

/** A body with a plausible value for every field the routes take, so a missing check would succeed. */
const OMNIBUS = {
  name: 'Hijacked',
  description: 'x',
  version: 1,
  role: 'owner',
  email: 'intruder@example.test',
  password: 'intruder-password-1',
  category: 'production',
  type: 'solar',
  code: 'SHC-0000-0000-0000-0000',
  token: 'shr_x',
  expiresInHours: 1,
  measurementRetentionDays: 1,
  status: 'decommissioned',
  sentAt: 0,
  devices: [],
};

const TENANT_TABLES = ['organization_members', 'sites', 'gateways', 'devices', 'meters', 'energy_sources', 'api_tokens', 'claim_codes'];

async function snapshot(cloud: Cloud, organizationId: string): Promise<unknown> {
  const rows = async (query: ReturnType<typeof sql>) =>
    ((await cloud.database.db.execute(query)) as unknown as { rows: { j: unknown }[] }).rows[0]?.j ?? null;
  const out: Record<string, unknown> = {
    organization: await rows(sql`SELECT to_jsonb(o) AS j FROM organizations o WHERE id = ${organizationId}::uuid`),
    users: await rows(
      sql`SELECT jsonb_agg(to_jsonb(u) ORDER BY u.id) AS j FROM users u WHERE id IN (SELECT user_id FROM organization_members WHERE organization_id = ${organizationId}::uuid)`,
    ),
    measurements: await rows(
      sql`SELECT count(*)::int AS j FROM measurements WHERE gateway_id IN (SELECT id FROM gateways WHERE organization_id = ${organizationId}::uuid)`,
    ),
  };
  for (const table of TENANT_TABLES) {
    out[table] = await rows(
      sql`SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id) AS j FROM ${sql.raw(table)} t WHERE organization_id = ${organizationId}::uuid`,
    );
  }
  return out;
}

// Postgres only: the walk is long, and RLS on PGlite is proven by row-level-security.test.ts.
describe.each(BACKENDS.filter((b) => b === 'postgres'))('tenant isolation on %s', (backend) => {
  let cloud: Cloud;
  const a = { ids: {} as Record<string, string>, secrets: [] as string[] };
  const intruders: Credentials[] = [];

  beforeAll(async () => {
    cloud = await startCloud(backend, { passwordLog2N: TEST_LOG2N });
    // Organization A, filled through the API by its owner: every kind of entity exists.
    const orgA = await newOrganization(cloud, `Victim Org ${backend}`);
    const membersA = await everyRole(cloud, orgA.organizationId, orgA.owner);
    const { headers: owner } = await login(cloud, orgA.owner.email, orgA.owner.password);
    const post = async (path: string, body: unknown) => {
      const res = await call(cloud, 'POST', path, { headers: owner, body });
      expect(res.status, `${path}: ${res.text}`).toBe(201);
      return res.body;
    };
    const org = orgA.organizationId;
    const site = await post(`/api/v1/organizations/${org}/sites`, { name: 'Victim Roof', utility: 'LESCO', currency: 'PKR', pvCapacityKwp: 10 });
    const meter = await post(`/api/v1/sites/${site.id}/meters`, { name: 'Main', category: 'grid_injection' });
    await post(`/api/v1/sites/${site.id}/meters`, { name: 'PV', category: 'production', parentMeterId: meter.id });
    const source = await post(`/api/v1/sites/${site.id}/energy-sources`, { name: 'Array', type: 'solar', meterId: meter.id });
    const used = await post(`/api/v1/sites/${site.id}/claim-codes`, {});
    const unused = await post(`/api/v1/sites/${site.id}/claim-codes`, { expiresInHours: 48 });
    const claimed = await call(cloud, 'POST', '/api/v1/gateways/claim', { body: { code: used.code, name: 'victim-gw' } });
    expect(claimed.status, claimed.text).toBe(201);
    expect((await ingest(cloud, claimed.body.token, batch(readings(1, 5)))).status).toBe(200);
    const devices = await call(cloud, 'GET', `/api/v1/sites/${site.id}/devices`, { headers: owner });
    const token = await post(`/api/v1/organizations/${org}/api-tokens`, { name: 'victim integration', role: 'viewer' });
    a.ids = {
      orgId: org,
      siteId: site.id,
      meterId: meter.id,
      sourceId: source.id,
      gatewayId: claimed.body.gatewayId,
      deviceId: devices.body.items[0].id,
      claimCodeId: unused.id,
      tokenId: token.id,
      memberId: membersA.find((m) => m.role === 'viewer')!.memberId,
    };
    a.secrets = [...Object.values(a.ids), 'Victim Org', 'Victim Roof', orgA.owner.email, claimed.body.token, token.token];

    // Organization B: a member of every role, and an API token of every role, plus data of its own.
    const orgB = await newOrganization(cloud, `Intruder Org ${backend}`);
    const membersB = await everyRole(cloud, orgB.organizationId, orgB.owner);
    const { headers: ownerB } = await login(cloud, orgB.owner.email, orgB.owner.password);
    await call(cloud, 'POST', `/api/v1/organizations/${orgB.organizationId}/sites`, { headers: ownerB, body: { name: 'Intruder Roof' } });
    for (const member of membersB) intruders.push(sessionCredentials(cloud, member));
    // API tokens: the strongest and the weakest role (sessions cover every role).
    for (const role of ['owner', 'viewer'] as const) {
      const res = await call(cloud, 'POST', `/api/v1/organizations/${orgB.organizationId}/api-tokens`, { headers: ownerB, body: { name: role, role } });
      expect(res.status, res.text).toBe(201);
      intruders.push(tokenCredentials(res.body.token, role));
    }
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('walks every route with every role of another organization: nothing of A is read or changed', async () => {
    const routes = cloud.app.routeCatalog.filter((r: CatalogRoute) => r.url.startsWith('/api/v1/'));
    // The catalog is fastify's own list: sanity-check it holds the API.
    expect(routes.length).toBeGreaterThan(40);
    const before = await snapshot(cloud, a.ids.orgId!);
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
        const id = a.ids[name];
        if (!id) throw new Error(`no id of organization A for :${name} in ${route.url}: add one to this test`);
        return id;
      });
      const targetsA = /:[A-Za-z]+/.test(route.url);
      const query = `?organizationId=${a.ids.orgId}&metric=ac_power_w&siteId=${a.ids.siteId}&deviceId=${a.ids.deviceId}`;
      const unsafe = route.method !== 'GET' && route.method !== 'HEAD';
      await Promise.all(
        intruders.map(async (who) => {
          const res = await call(cloud, route.method, `${path}${query}`, { headers: await who.headers(), ...(unsafe ? { body: OMNIBUS } : {}) });
          const label = `${who.label} ${route.method} ${route.url} -> ${res.status}`;
          if (targetsA && ![401, 403, 404].includes(res.status)) failures.push(`${label}: expected 401/403/404`);
          if (res.status < 300) {
            const leaked = a.secrets.filter((s) => res.text.includes(s));
            if (leaked.length > 0) failures.push(`${label}: leaked ${leaked.join(', ')}`);
          }
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(await snapshot(cloud, a.ids.orgId!)).toEqual(before);
  });

  it('answers a foreign id exactly like an unknown one', async () => {
    const viewer = intruders.find((c) => c.label === 'viewer (session)')!;
    const foreign = await call(cloud, 'GET', `/api/v1/sites/${a.ids.siteId}`, { headers: await viewer.headers() });
    const unknown = await call(cloud, 'GET', '/api/v1/sites/00000000-0000-4000-8000-000000000000', { headers: await viewer.headers() });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.error.code).toBe(unknown.body.error.code);
  });
});
