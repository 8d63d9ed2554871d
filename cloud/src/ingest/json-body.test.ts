import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useFastJsonParser } from './json-body.js';

async function app() {
  const server = Fastify();
  await server.register(async (scope) => {
    useFastJsonParser(scope);
    scope.post('/echo', async (request) => ({ body: request.body, proto: Object.getPrototypeOf(request.body) === Object.prototype }));
  });
  return server;
}

describe('the ingest route\'s JSON parser', () => {
  it.each<[string, string, number, string | undefined]>([
    ['parses a JSON body', '{"readings":[{"seq":1}]}', 200, undefined],
    ['refuses an empty body as fastify does', '', 400, 'FST_ERR_CTP_EMPTY_JSON_BODY'],
    ['refuses text that is not JSON as fastify does', '{"readings":[', 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
  ])('%s', async (_name, payload, statusCode, code) => {
    const server = await app();
    const res = await server.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(statusCode);
    if (code) expect(res.json()).toMatchObject({ code });
    else expect(res.json()).toEqual({ body: JSON.parse(payload), proto: true });
    await server.close();
  });

  it('leaves a "__proto__" key an own property: the prototype stays untouched', async () => {
    const server = await app();
    const res = await server.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"polluted":true}}' });
    expect(res.json()).toMatchObject({ proto: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await server.close();
  });
});
