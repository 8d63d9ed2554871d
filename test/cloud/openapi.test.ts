import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type Cloud } from './harness.js';
import { call } from './tenants.js';

describe('OpenAPI document', () => {
  let cloud: Cloud;
  let doc: any;
  beforeAll(async () => {
    cloud = await startCloud('pglite');
    const res = await call(cloud, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('is OpenAPI 3.1 and describes every /api/v1 route the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = cloud.app.routeCatalog.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    const missing = served.filter((r) => !doc.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()]);
    expect(missing).toEqual([]);
  });

  it('takes request and response schemas from the zod schemas the routes validate with', () => {
    const create = doc.paths['/api/v1/organizations/{orgId}/sites'].post;
    expect(create.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', maxLength: 200 }, currency: { pattern: '^[A-Z]{3}$' } },
    });
    expect(create.responses['201'].content['application/json'].schema.properties.version).toMatchObject({ type: 'integer' });
    expect(create['x-access']).toBe('site.create');
    const list = doc.paths['/api/v1/sites/{siteId}/meters'].get;
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:siteId', 'query:limit', 'query:offset']);
    expect(doc.paths['/api/v1/ingest'].post.requestBody.content['application/json'].schema.properties.readings.type).toBe('object');
    expect(doc.paths['/api/v1/gateways/claim'].post.security).toEqual([]);
  });
});
