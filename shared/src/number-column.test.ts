import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { numberColumn, type NumberColumnSpec } from './number-column.js';

const issues = (spec: NumberColumnSpec, value: unknown) => {
  const r = numberColumn(spec).safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('numberColumn', () => {
  const seq: NumberColumnSpec = { integer: true, min: 0, maxItems: 5 };
  const value: NumberColumnSpec = { integer: false, maxItems: 5 };
  const mono: NumberColumnSpec = { integer: false, min: 0, nullable: true, maxItems: 5 };
  it.each<[string, NumberColumnSpec, unknown, string[]]>([
    ['integers', seq, [0, 1, 9007199254740991], []],
    ['empty', seq, [], []],
    ['a negative integer', seq, [1, -1], ['1: expected an integer >= 0, got -1']],
    ['a fraction where integers go', seq, [1.5], ['0: expected an integer >= 0, got 1.5']],
    ['an unsafe integer', seq, [2 ** 53], ['0: expected an integer >= 0, got 9007199254740992']],
    ['a string', seq, ['7'], ['0: expected an integer >= 0, got "7"']],
    ['null where it is not allowed', seq, [null], ['0: expected an integer >= 0, got null']],
    ['too many', seq, [1, 2, 3, 4, 5, 6], [': has 6 elements, at most 5 allowed']],
    ['not an array', seq, { 0: 1 }, [': expected an array']],
    ['any finite number', value, [-1e-7, 0, 3.5], []],
    ['infinity', value, [Infinity], ['0: expected a finite number, got null']],
    ['null where allowed', mono, [null, 0, 2.5], []],
    ['below the minimum', mono, [-0.5], ['0: expected null or a finite number >= 0, got -0.5']],
  ])('%s', (_name, spec, input, expected) => {
    expect(issues(spec, input)).toEqual(expected);
  });

  it('reports at most the first 10 bad elements', () => {
    expect(issues({ integer: true, maxItems: 100 }, Array.from({ length: 50 }, () => 'x'))).toHaveLength(10);
  });

  it('describes itself in JSON Schema as it checks', () => {
    expect(z.toJSONSchema(numberColumn(mono), { unrepresentable: 'any' })).toMatchObject({
      type: 'array',
      maxItems: 5,
      items: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] },
    });
  });
});
