import { describe, expect, it } from 'vitest';
import { planReads, type Span } from './planner.js';

const span = (start: number, size = 2, extra: Partial<Span> = {}): Span => ({ key: `p${start}`, table: 'input', start, end: start + size, ...extra });
const shape = (spans: Span[], maxRegisters = 125, maxGap = 10) => planReads(spans, { maxRegisters, maxGap }).map((r) => [r.table, r.address, r.count]);

describe('planReads', () => {
  it.each<[string, Span[], number, number, Array<[string, number, number]>]>([
    ['merges adjacent points', [span(0), span(2), span(4)], 125, 10, [['input', 0, 6]]],
    ['merges across a gap up to maxGap', [span(0), span(12)], 125, 10, [['input', 0, 14]]],
    ['splits above maxGap', [span(0), span(13)], 125, 10, [['input', 0, 2], ['input', 13, 2]]],
    ['maxGap 0 merges only touching points', [span(0), span(2), span(5)], 125, 0, [['input', 0, 4], ['input', 5, 2]]],
    ['never more than maxRegisters', [span(0), span(60), span(124)], 125, 100, [['input', 0, 62], ['input', 124, 2]]],
    ['exactly 125 fits', [span(0), span(123)], 125, 125, [['input', 0, 125]]],
    ['sorts by address', [span(20), span(0), span(10)], 125, 10, [['input', 0, 22]]],
    ['keeps tables apart', [span(0), span(2, 2, { table: 'holding' })], 125, 10, [['holding', 2, 2], ['input', 0, 2]]],
    ['reads an "alone" point by itself', [span(0), span(2, 2, { alone: true }), span(4)], 125, 10, [['input', 0, 2], ['input', 2, 2], ['input', 4, 2]]],
    ['overlapping spans (a value and its shared scale factor) merge', [span(0, 3), span(1, 3)], 125, 0, [['input', 0, 4]]],
    ['coils pack 16 per register of budget', [span(0, 1, { table: 'coil' }), span(150, 1, { table: 'coil' })], 125, 10, [['coil', 0, 151]]],
  ])('%s', (_name, spans, max, gap, expected) => {
    expect(shape(spans, max, gap)).toEqual(expected);
  });

  it('SDM630-like map: 31 float points in 4 reads', () => {
    const addresses = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 0x30, 0x34, 0x38, 0x3c, 0x3e, 0x46, 0x48, 0x4a, 0xc8, 0xca, 0xcc, 0xe0, 0x156];
    expect(shape(addresses.map((a) => span(a)), 80, 16)).toEqual([
      ['input', 0, 0x4c],
      ['input', 0xc8, 6],
      ['input', 0xe0, 2],
      ['input', 0x156, 2],
    ]);
  });
});

describe('planReads with registers to avoid', () => {
  it('does not merge across a refused register', () => {
    const plan = planReads([span(0x30), span(0x38)], { maxRegisters: 125, maxGap: 16, avoid: [{ table: 'input', start: 0x34, end: 0x36 }] });
    expect(plan.map((r) => [r.address, r.count])).toEqual([[0x30, 2], [0x38, 2]]);
  });
});
