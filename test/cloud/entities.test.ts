import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startCloud, type Cloud } from './harness.js';
import { TEST_LOG2N, addMember, call, login, newOrganization } from './tenants.js';

describe.each(BACKENDS)('organizations, members, sites and meters on %s', (backend) => {
  let cloud: Cloud;
  let org: string;
  let owner: Record<string, string>;
  const post = async (path: string, body: unknown, headers = owner, status = 201) => {
    const res = await call(cloud, 'POST', path, { headers, body });
    expect(res.status, `${path}: ${res.text}`).toBe(status);
    return res.body;
  };

  beforeAll(async () => {
    cloud = await startCloud(backend, { passwordLog2N: TEST_LOG2N });
    const created = await newOrganization(cloud);
    org = created.organizationId;
    owner = (await login(cloud, created.owner.email, created.owner.password)).headers;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('adds a member by email with a one-time setup token, who then signs in', async () => {
    const added = await post(`/api/v1/organizations/${org}/members`, { email: 'New.Person@Example.test', role: 'installer' });
    expect(added).toMatchObject({ email: 'new.person@example.test', role: 'installer', setupToken: expect.stringMatching(/^shr_/) });
    expect((await call(cloud, 'POST', '/api/v1/auth/password-reset', { body: { token: added.setupToken, password: 'my first password' } })).status).toBe(204);
    const { answer } = await login(cloud, 'new.person@example.test', 'my first password');
    expect(answer.body.memberships).toEqual([{ organizationId: org, name: expect.any(String), role: 'installer' }]);
    await post(`/api/v1/organizations/${org}/members`, { email: 'new.person@example.test', role: 'viewer' }, owner, 409);
    const list = await call(cloud, 'GET', `/api/v1/organizations/${org}/members?limit=1`, { headers: owner });
    expect(list.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(list.body.items).toHaveLength(1);
  });

  it('keeps roles within what the granter holds and an owner in every organization', async () => {
    const admin = await addMember(cloud, org, 'admin');
    const adminHeaders = (await login(cloud, admin.email, admin.password)).headers;
    await post(`/api/v1/organizations/${org}/members`, { email: 'wannabe@example.test', role: 'owner' }, adminHeaders, 403);
    const viewer = await addMember(cloud, org, 'viewer');
    const promoted = await call(cloud, 'PATCH', `/api/v1/members/${viewer.memberId}`, { headers: adminHeaders, body: { role: 'manager', version: 1 } });
    expect(promoted.body).toMatchObject({ role: 'manager', version: 2 });
    const stale = await call(cloud, 'PATCH', `/api/v1/members/${viewer.memberId}`, { headers: adminHeaders, body: { role: 'viewer', version: 1 } });
    expect(stale.status).toBe(409);
    const members = (await call(cloud, 'GET', `/api/v1/organizations/${org}/members`, { headers: owner })).body.items;
    const ownerMember = members.find((m: { role: string }) => m.role === 'owner');
    const last = await call(cloud, 'DELETE', `/api/v1/members/${ownerMember.id}`, { headers: owner });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');
  });

  it("drops a member's API tokens with the membership", async () => {
    const admin = await addMember(cloud, org, 'admin');
    const headers = (await login(cloud, admin.email, admin.password)).headers;
    const token = await post(`/api/v1/organizations/${org}/api-tokens`, { name: 'ci', role: 'manager' }, headers);
    const bearer = { authorization: `Bearer ${token.token}` };
    expect((await call(cloud, 'GET', '/api/v1/sites', { headers: bearer })).status).toBe(200);
    await post(`/api/v1/organizations/${org}/api-tokens`, { name: 'too strong', role: 'owner' }, headers, 403);
    expect((await call(cloud, 'DELETE', `/api/v1/members/${admin.memberId}`, { headers: owner })).status).toBe(204);
    expect((await call(cloud, 'GET', '/api/v1/sites', { headers: bearer })).status).toBe(401);
  });

  it('creates, pages, edits and soft-deletes sites', async () => {
    const a = await post(`/api/v1/organizations/${org}/sites`, {
      name: 'Lahore Plant',
      timezone: 'Asia/Karachi',
      currency: 'PKR',
      utility: 'LESCO',
      tariff: 'B-2',
      latitude: 31.52,
      longitude: 74.35,
      address: { city: 'Lahore', country: 'PK' },
      pvCapacityKwp: 120,
      inverterCapacityKw: 100,
      batteryCapacityKwh: 50,
      configuration: { panelCount: 220, netMetering: true },
    });
    expect(a).toMatchObject({ status: 'active', address: { city: 'Lahore', country: 'PK', line1: null }, configuration: { panelCount: 220 }, version: 1 });
    await post(`/api/v1/organizations/${org}/sites`, { name: 'Lahore Plant' }, owner, 409);
    const bad = await call(cloud, 'POST', `/api/v1/organizations/${org}/sites`, { headers: owner, body: { name: 'x', timezone: 'Mars/Base', currency: 'rupees' } });
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.currency', 'body.timezone']);
    await post(`/api/v1/organizations/${org}/sites`, { name: 'Islamabad Office', utility: 'IESCO' });
    const page = await call(cloud, 'GET', `/api/v1/organizations/${org}/sites?limit=1&offset=1`, { headers: owner });
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ name: 'Lahore Plant' }] });
    expect((await call(cloud, 'DELETE', `/api/v1/sites/${a.id}`, { headers: owner })).status).toBe(204);
    expect((await call(cloud, 'GET', `/api/v1/sites/${a.id}`, { headers: owner })).status).toBe(404);
    expect((await call(cloud, 'GET', `/api/v1/organizations/${org}/sites`, { headers: owner })).body.total).toBe(1);
    // The name is free again once the site is deleted.
    await post(`/api/v1/organizations/${org}/sites`, { name: 'Lahore Plant' });
  });

  it('keeps meter hierarchies on one site and free of cycles', async () => {
    const site = await post(`/api/v1/organizations/${org}/sites`, { name: 'Meters Site' });
    const other = await post(`/api/v1/organizations/${org}/sites`, { name: 'Other Site' });
    const main = await post(`/api/v1/sites/${site.id}/meters`, { name: 'Grid', category: 'grid_injection', readingFrequency: '15min' });
    const sub = await post(`/api/v1/sites/${site.id}/meters`, { name: 'Loads', category: 'consumption', parentMeterId: main.id });
    const foreignParent = await call(cloud, 'POST', `/api/v1/sites/${other.id}/meters`, { headers: owner, body: { name: 'x', category: 'storage', parentMeterId: main.id } });
    expect(foreignParent.body.error.code).toBe('invalid_parent');
    const cycle = await call(cloud, 'PATCH', `/api/v1/meters/${main.id}`, { headers: owner, body: { parentMeterId: sub.id, version: 1 } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.code).toBe('meter_cycle');
    const source = await post(`/api/v1/sites/${site.id}/energy-sources`, { name: 'Grid', type: 'grid', meterId: main.id });
    expect(source).toMatchObject({ type: 'grid', meterId: main.id });
    expect((await call(cloud, 'DELETE', `/api/v1/meters/${main.id}`, { headers: owner })).status).toBe(204);
    expect((await call(cloud, 'GET', `/api/v1/meters/${sub.id}`, { headers: owner })).body.parentMeterId).toBeNull();
  });

  it('updates organization settings with optimistic locking', async () => {
    const current = (await call(cloud, 'GET', `/api/v1/organizations/${org}`, { headers: owner })).body;
    const changed = await call(cloud, 'PATCH', `/api/v1/organizations/${org}`, {
      headers: owner,
      body: { measurementRetentionDays: 365, defaultCurrency: 'PKR', version: current.version },
    });
    expect(changed.body).toMatchObject({ measurementRetentionDays: 365, defaultCurrency: 'PKR', version: current.version + 1 });
    expect((await call(cloud, 'PATCH', `/api/v1/organizations/${org}`, { headers: owner, body: { name: 'x', version: current.version } })).status).toBe(409);
  });
});
