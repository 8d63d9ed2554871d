import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { HttpError, toApiError, type MappedError } from './errors.js';
import { issuesToDetails } from './validate.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);
const jsonError = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });

describe('toApiError', () => {
  it.each<[string, unknown, MappedError]>([
    [
      'HttpError keeps status, code and details',
      new HttpError(403, 'device_key_taken', 'taken', [{ path: 'readings.0.device', message: 'inv-1' }]),
      { statusCode: 403, body: { error: { code: 'device_key_taken', message: 'taken', details: [{ path: 'readings.0.device', message: 'inv-1' }] } } },
    ],
    ['HttpError without details', new HttpError(404, 'not_found', 'nope'), { statusCode: 404, body: { error: { code: 'not_found', message: 'nope' } } }],
    [
      'body too large',
      withProps('Request body is too large', { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      { statusCode: 413, body: { error: { code: 'body_too_large', message: 'Request body is too large' } } },
    ],
    [
      'unsupported media type',
      withProps('Unsupported Media Type', { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }),
      { statusCode: 415, body: { error: { code: 'unsupported_media_type', message: 'Unsupported Media Type' } } },
    ],
    [
      'empty JSON body',
      withProps('Body cannot be empty', { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }),
      { statusCode: 400, body: { error: { code: 'invalid_json', message: 'Body cannot be empty' } } },
    ],
    ['bad JSON', jsonError, { statusCode: 400, body: { error: { code: 'invalid_json', message: 'Unexpected token' } } }],
    [
      'truncated gzip',
      withProps('unexpected end of file', { code: 'Z_BUF_ERROR', statusCode: 400 }),
      { statusCode: 400, body: { error: { code: 'invalid_gzip', message: 'gzip body could not be decompressed: unexpected end of file' } } },
    ],
    [
      'fastify schema validation',
      withProps('bad', { validation: [{ instancePath: '/a', message: 'must be string' }], statusCode: 400 }),
      { statusCode: 400, body: { error: { code: 'validation_failed', message: 'Request validation failed', details: [{ path: '/a', message: 'must be string' }] } } },
    ],
    ['other 4xx', withProps('nope', { statusCode: 405 }), { statusCode: 405, body: { error: { code: 'bad_request', message: 'nope' } } }],
    ['unknown errors hide their message', new Error('password=hunter2'), { statusCode: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } }],
    ['non-errors', 'a string', { statusCode: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } }],
  ])('%s', (_name, err, expected) => {
    expect(toApiError(err)).toEqual(expected);
  });
});

describe('issuesToDetails', () => {
  const schema = z.object({ readings: z.array(z.object({ ts: z.number() })), name: z.string() });
  it.each<[unknown, string, string[]]>([
    [{ readings: [{ ts: 1 }, { ts: 'x' }], name: 'a' }, 'body', ['body.readings.1.ts']],
    [{ readings: [], name: 3 }, 'query', ['query.name']],
    [null, 'body', ['body']],
  ])('%j under %s -> %j', (input, root, paths) => {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(issuesToDetails(parsed.error.issues, root).map((d) => d.path)).toEqual(paths);
  });
});
