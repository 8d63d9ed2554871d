import { describe, expect, it } from 'vitest';
import { isDeadlock, pgError } from './pg-errors.js';

describe('pgError', () => {
  it.each([
    ['a driver error', { code: '23505', constraint: 'series_device_metric_key' }, { code: '23505', constraint: 'series_device_metric_key' }],
    ['wrapped by drizzle', { message: 'Failed query', cause: { code: '40P01' } }, { code: '40P01' }],
    ['the outer code wins', { code: '23P01', cause: { code: '40P01', constraint: 'x' } }, { code: '23P01', constraint: 'x' }],
    ['no code', new Error('boom'), {}],
    ['a number code is no SQLSTATE', { code: 42 }, {}],
    ['not an object', 'text', {}],
    ['null', null, {}],
  ])('%s', (_name, err, expected) => {
    expect(pgError(err)).toEqual(expected);
  });

  it.each([
    [{ code: '40P01' }, true],
    [{ cause: { code: '40P01' } }, true],
    [{ code: '40001' }, false],
    [undefined, false],
  ])('isDeadlock(%j) is %s', (err, expected) => {
    expect(isDeadlock(err)).toBe(expected);
  });
});
