import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { binaryArray, type ElementKind } from './binary-arrays.js';

describe('binaryArray', () => {
  it('writes the header array_recv expects', () => {
    const buf = binaryArray('int2', [7, -1]);
    expect([...buf.subarray(0, 20)]).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 2, 0, 0, 0, 1]);
    expect([...buf.subarray(20)]).toEqual([0, 0, 0, 2, 0, 7, 0, 0, 0, 2, 0xff, 0xff]);
  });

  // PostgreSQL itself reads each array back: the values must come out as they went in.
  describe('read by PostgreSQL', () => {
    let client: pg.Client;
    beforeAll(async () => {
      const adminUrl = inject('postgresAdminUrl');
      if (!adminUrl) throw new Error('this test needs the throwaway PostgreSQL of the global setup (initdb/pg_ctl on PATH)');
      client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
    });
    afterAll(() => client?.end());

    it.each<[ElementKind, string, number[], string]>([
      ['int8', 'bigint[]', [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER], 'x::text'],
      ['int2', 'smallint[]', [0, 2, -32768, 32767], 'x::text'],
      ['float8', 'float8[]', [0, -0.5, 0.30000000000000004, 1e-300, 6123.4, -1.7976931348623157e308], 'x::text'],
      // Times as epoch ms: before and after PostgreSQL's epoch (2000), with milliseconds.
      ['timestamptz', 'timestamptz[]', [0, 1, 946_684_799_999, 946_684_800_000, 1_782_043_195_123, 4_102_444_800_000], "(extract(epoch FROM x) * 1000)::bigint::text"],
    ])('%s', async (kind, type, values, asText) => {
      const { rows } = await client.query<{ v: string }>(`SELECT ${asText} AS v FROM unnest($1::${type}) AS u(x)`, [binaryArray(kind, values)]);
      expect(rows.map((r) => Number(r.v))).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    });
  });
});
