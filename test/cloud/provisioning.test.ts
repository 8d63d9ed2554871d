import { createClaimCode } from '@solarhub/cloud';
import { ClaimGatewayResponse } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, batch, ingest, readings, startCloud, type Cloud } from './harness.js';
import { TEST_LOG2N, addMember, call, login, newOrganization } from './tenants.js';

describe.each(BACKENDS)('gateway provisioning on %s', (backend) => {
  let cloud: Cloud;
  let installer: Record<string, string>;
  let siteId: string;

  beforeAll(async () => {
    cloud = await startCloud(backend, { passwordLog2N: TEST_LOG2N });
    const org = await newOrganization(cloud);
    const owner = (await login(cloud, org.owner.email, org.owner.password)).headers;
    const site = await call(cloud, 'POST', `/api/v1/organizations/${org.organizationId}/sites`, { headers: owner, body: { name: 'Roof' } });
    siteId = site.body.id;
    const member = await addMember(cloud, org.organizationId, 'installer');
    installer = (await login(cloud, member.email, member.password)).headers;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  const newCode = async (body: Record<string, unknown> = {}) => {
    const res = await call(cloud, 'POST', `/api/v1/sites/${siteId}/claim-codes`, { headers: installer, body });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; code: string; hint: string };
  };
  const claim = (code: string, name?: string) => call(cloud, 'POST', '/api/v1/gateways/claim', { body: { code, ...(name ? { name } : {}) } });

  it('lets an installer create a code that a gateway exchanges, once, for a working token', async () => {
    const code = await newCode({ gatewayName: 'roof-gw' });
    expect(code.code).toMatch(/^SHC(-[0-9A-Z]{4}){4}$/);
    const claimed = await claim(code.code.toLowerCase().replace(/-/g, ' '));
    expect(claimed.status, claimed.text).toBe(201);
    const body = ClaimGatewayResponse.parse(claimed.body);
    expect(body).toMatchObject({ siteId, gatewayName: 'roof-gw', token: expect.stringMatching(/^shg_/) });
    expect((await ingest(cloud, body.token, batch(readings(1, 3)))).body).toMatchObject({ accepted: 3 });
    // The database keeps only the hash.
    const stored = (await cloud.database.db.execute(sql`SELECT token_hash FROM gateways WHERE id = ${body.gatewayId}::uuid`)) as unknown as {
      rows: { token_hash: string }[];
    };
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await claim(code.code)).status).toBe(404);
    const list = await call(cloud, 'GET', `/api/v1/sites/${siteId}/claim-codes`, { headers: installer });
    expect(list.body.items.find((c: { id: string }) => c.id === code.id)).toMatchObject({ usedAt: expect.any(String), gatewayId: body.gatewayId });
    expect(list.text).not.toContain(code.code.slice(4, 8));
  });

  it('refuses expired, revoked and made-up codes alike', async () => {
    const { code: expired } = await createClaimCode(cloud.database.db, { siteId, ttlMs: -1000 });
    const revoked = await newCode();
    expect((await call(cloud, 'DELETE', `/api/v1/claim-codes/${revoked.id}`, { headers: installer })).status).toBe(204);
    for (const code of [expired, revoked.code, 'SHC-0000-0000-0000-0000', 'nonsense']) {
      const res = await claim(code);
      expect(res.status, code).toBe(404);
      expect(res.body.error.code).toBe('invalid_claim_code');
    }
  });

  it('claims concurrently at most once', async () => {
    const code = await newCode();
    const answers = await Promise.all(Array.from({ length: 5 }, (_v, i) => claim(code.code, `race-${i}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 404, 404, 404, 404]);
  });

  it('rotates (old token refused at once, new one works) and revokes (refused at once)', async () => {
    const claimed = ClaimGatewayResponse.parse((await claim((await newCode()).code)).body);
    const rotated = await call(cloud, 'POST', `/api/v1/gateways/${claimed.gatewayId}/rotate`, { headers: installer });
    expect(rotated.status, rotated.text).toBe(200);
    expect((await ingest(cloud, claimed.token, batch(readings(1, 1, { device: 'rot-1' })))).status).toBe(401);
    expect((await ingest(cloud, rotated.body.token, batch(readings(1, 1, { device: 'rot-1' })))).status).toBe(200);

    const revoked = await call(cloud, 'POST', `/api/v1/gateways/${claimed.gatewayId}/revoke`, { headers: installer });
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const refused = await ingest(cloud, rotated.body.token, batch(readings(2, 2, { device: 'rot-1' })));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('token_revoked');
  });

  it('refuses a deleted gateway at once and hides it', async () => {
    const claimed = ClaimGatewayResponse.parse((await claim((await newCode()).code)).body);
    expect((await call(cloud, 'DELETE', `/api/v1/gateways/${claimed.gatewayId}`, { headers: installer })).status).toBe(204);
    expect((await ingest(cloud, claimed.token, batch(readings(1, 1)))).status).toBe(403);
    expect((await call(cloud, 'GET', `/api/v1/gateways/${claimed.gatewayId}`, { headers: installer })).status).toBe(404);
  });
});
