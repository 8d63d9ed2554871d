import { describe, expect, it } from 'vitest';
import { parsePartitionName, partitionsAround, partitionsBefore, weekPartition, weekStart, WEEK_MS } from './weeks.js';

const utc = (iso: string) => Date.parse(iso);

describe('weekStart', () => {
  it.each([
    ['a Monday at midnight', '2025-06-02T00:00:00Z', '2025-06-02T00:00:00Z'],
    ['a Monday, one ms before midnight', '2025-06-01T23:59:59.999Z', '2025-05-26T00:00:00Z'],
    ['a Sunday evening', '2025-06-08T23:00:00Z', '2025-06-02T00:00:00Z'],
    ['the epoch (a Thursday)', '1970-01-01T00:00:00Z', '1969-12-29T00:00:00Z'],
    ['across a year end', '2026-01-01T12:00:00Z', '2025-12-29T00:00:00Z'],
    ['a leap day', '2024-02-29T10:00:00Z', '2024-02-26T00:00:00Z'],
  ])('%s', (_name, at, expected) => {
    expect(new Date(weekStart(utc(at))).toISOString()).toBe(new Date(utc(expected)).toISOString());
  });
});

describe('partition names', () => {
  it.each([
    ['measurements_p20250602', '2025-06-02T00:00:00Z'],
    ['measurements_p19691229', '1969-12-29T00:00:00Z'],
  ])('%s round-trips', (name, from) => {
    expect(weekPartition(utc(from)).name).toBe(name);
    expect(parsePartitionName(name)).toEqual({ name, from: utc(from), to: utc(from) + WEEK_MS });
  });

  it.each([['measurements_default'], ['measurements_p20250603'], ['measurements_p2025060'], ['series'], ['measurements_p20251340']])(
    '%s is not a weekly partition',
    (name) => {
      expect(parsePartitionName(name)).toBeNull();
    },
  );
});

describe('partitionsAround', () => {
  it('covers last week, this week and the weeks ahead', () => {
    const names = partitionsAround(utc('2025-06-04T08:00:00Z'), 2).map((p) => p.name);
    expect(names).toEqual(['measurements_p20250526', 'measurements_p20250602', 'measurements_p20250609', 'measurements_p20250616']);
  });
});

describe('partitionsBefore', () => {
  const parts = ['2025-05-19', '2025-05-26', '2025-06-02'].map((d) => weekPartition(utc(`${d}T00:00:00Z`)));
  it.each<[string, string, string[]]>([
    ['nothing old enough', '2025-05-25T23:59:59Z', []],
    ['a partition ending exactly at the cutoff', '2025-05-26T00:00:00Z', ['measurements_p20250519']],
    ['the cutoff inside a partition keeps it', '2025-06-04T00:00:00Z', ['measurements_p20250519', 'measurements_p20250526']],
  ])('%s', (_name, cutoff, expected) => {
    expect(partitionsBefore([...parts].reverse(), utc(cutoff)).map((p) => p.name)).toEqual(expected);
  });
});
