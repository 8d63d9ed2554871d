import { gzipSync } from 'node:zlib';
import { ApiError } from '@solarhub/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, batch, count, get, ingest, provision, readings, startCloud, type Cloud, type Sent } from './harness.js';

const LIMIT = 64 * 1024;

/** Every error answer has the one ApiError shape. */
function expectApiError(sent: Sent, status: number, code: string): ApiError {
  expect({ status: sent.status, code: sent.body?.error?.code }).toEqual({ status, code });
  return ApiError.parse(sent.body);
}

describe.each(BACKENDS)('HTTP boundary on %s', (backend) => {
  let cloud: Cloud;
  let p: Awaited<ReturnType<typeof provision>>;
  beforeAll(async () => {
    cloud = await startCloud(backend, { ingestBodyLimit: LIMIT });
    p = await provision(cloud);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('answers health without auth', async () => {
    expect(await get(cloud, null, '/api/v1/health')).toEqual({ status: 200, body: { status: 'ok', database: cloud.database.kind } });
  });

  it('rejects a truncated gzip body with 400', async () => {
    const gz = gzipSync(JSON.stringify(batch(readings(1, 50))));
    const sent = await ingest(cloud, p.gatewayToken, null, { raw: gz.subarray(0, gz.length - 20), headers: { 'content-encoding': 'gzip' } });
    expectApiError(sent, 400, 'invalid_gzip');
  });

  it('rejects a body that is not gzip at all but says so with 400', async () => {
    const sent = await ingest(cloud, p.gatewayToken, null, { raw: '{"not":"gzip"}', headers: { 'content-encoding': 'gzip' } });
    expectApiError(sent, 400, 'invalid_gzip');
  });

  it.each([
    ['plain', false],
    ['gzip (limit applies after decompression)', true],
  ])('rejects a %s body over the limit with 413', async (_name, gzip) => {
    // Well over the 64 KiB limit as JSON, and far less once gzipped.
    const big = batch(readings(1, 6000));
    expect(JSON.stringify(big).length).toBeGreaterThan(2 * LIMIT);
    const sent = await ingest(cloud, p.gatewayToken, big, { gzip });
    expectApiError(sent, 413, 'body_too_large');
    if (gzip) expect(gzipSync(JSON.stringify(big)).length).toBeLessThan(LIMIT);
  });

  it('names every wrong field of an invalid batch', async () => {
    const sent = await ingest(cloud, p.gatewayToken, {
      sentAt: 1,
      series: [
        { device: 'inv-1', metric: 'ac_power_w', unit: 'W' },
        { device: 'bad key!', metric: 'AC Power', unit: 'W' },
      ],
      readings: { seq: [1, -1], series: [0, 1], ts: [1, 'yesterday'], value: [1, 1] },
    });
    const err = expectApiError(sent, 400, 'validation_failed');
    expect(err.error.details?.map((d) => d.path).sort()).toEqual(
      ['body.series.1.device', 'body.series.1.metric', 'body.readings.seq.1', 'body.readings.ts.1'].sort(),
    );
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(0);
  });

  const SERIES = [{ device: 'inv-1', metric: 'ac_power_w', unit: 'W' }];
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a column shorter than seq', { series: SERIES, readings: { seq: [1, 2], series: [0], ts: [1, 2], value: [1, 2] } }, 'body.readings.series', /has 1 values, but readings.seq has 2/],
    ['a column longer than seq', { series: SERIES, readings: { seq: [1], series: [0], ts: [1], value: [1], quality: ['good', 'good'] } }, 'body.readings.quality', /has 2 values/],
    ['a series index outside the list', { series: SERIES, readings: { seq: [1, 2], series: [0, 1], ts: [1, 2], value: [1, 2] } }, 'body.readings.series.1', /index 1 is outside series \(1 entries\)/],
    ['a boot index outside the list', { series: SERIES, boots: ['b'], readings: { seq: [1], series: [0], ts: [1], value: [1], boot: [3] } }, 'body.readings.boot.0', /outside boots/],
  ])('refuses columns that do not line up: %s', async (_name, body, path, message) => {
    const sent = await ingest(cloud, p.gatewayToken, { sentAt: 1, ...body });
    const err = expectApiError(sent, 400, 'validation_failed');
    expect(err.error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(await count(cloud, 'measurements', p.gatewayId)).toBe(0);
  });

  it('rejects times JavaScript cannot hold with 400 and the path', async () => {
    const sent = await ingest(cloud, p.gatewayToken, batch(readings(1, 1, { ts: 9e15 })));
    const err = expectApiError(sent, 400, 'timestamp_out_of_range');
    expect(err.error.details).toEqual([{ path: 'body.readings.ts.0', message: expect.any(String) }]);
  });

  it.each([
    ['broken JSON', '{"sentAt": 1,', 'application/json', 400, 'invalid_json'],
    ['an empty body', '', 'application/json', 400, 'invalid_json'],
    ['another media type', 'sentAt=1', 'text/plain', 415, 'unsupported_media_type'],
  ])('rejects %s', async (_name, raw, contentType, status, code) => {
    const sent = await ingest(cloud, p.gatewayToken, null, { raw, headers: { 'content-type': contentType } });
    expectApiError(sent, status, code);
  });

  it('rejects an unknown Content-Encoding with 415', async () => {
    const sent = await ingest(cloud, p.gatewayToken, null, { raw: 'xx', headers: { 'content-encoding': 'br' } });
    expectApiError(sent, 415, 'unsupported_content_encoding');
  });

  it.each([
    ['no token', null, 401, 'unauthorized'],
    ['an unknown gateway token', `shg_${'x'.repeat(43)}`, 401, 'unauthorized'],
    ['an API token', 'API', 401, 'unauthorized'],
    ['a malformed token', 'shg_short', 401, 'unauthorized'],
  ])('refuses ingest with %s', async (_name, token, status, code) => {
    const bearer = token === 'API' ? p.apiToken : token;
    const res = await fetch(`${cloud.baseUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(batch(readings(1, 1))),
    });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectApiError({ status: res.status, body: await res.json() }, status, code);
  });

  it('refuses a revoked gateway token with 403 and a revoked API token too', async () => {
    const q = await provision(cloud);
    expect((await ingest(cloud, q.gatewayToken, batch(readings(1, 1)))).status).toBe(200);
    await cloud.database.db.execute(sql`UPDATE gateways SET revoked_at = now() WHERE id = ${q.gatewayId}::uuid`);
    expectApiError(await ingest(cloud, q.gatewayToken, batch(readings(2, 2))), 403, 'token_revoked');
    await cloud.database.db.execute(sql`UPDATE api_tokens SET revoked_at = now() WHERE organization_id = ${q.organizationId}::uuid`);
    expectApiError(await get(cloud, q.apiToken, '/api/v1/sites'), 403, 'token_revoked');
    expect(await count(cloud, 'measurements', q.gatewayId)).toBe(1);
  });

  it('answers unknown routes with a 404 ApiError', async () => {
    expectApiError(await get(cloud, null, '/api/v1/nope'), 404, 'not_found');
  });
});
