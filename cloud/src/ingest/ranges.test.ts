import { describe, expect, it } from 'vitest';
import { freshIndexes, isCovered, mergeRange, seqBounds, type SeqRange } from './ranges.js';

const r = (first: number, last: number): SeqRange => ({ first, last });
const ranges = [r(1, 10), r(20, 20), r(30, 40)];

describe('isCovered', () => {
  it.each<[readonly SeqRange[], number, boolean]>([
    [[], 5, false],
    [ranges, 0, false],
    [ranges, 1, true],
    [ranges, 10, true],
    [ranges, 11, false],
    [ranges, 19, false],
    [ranges, 20, true],
    [ranges, 21, false],
    [ranges, 35, true],
    [ranges, 41, false],
    [[r(0, Number.MAX_SAFE_INTEGER)], Number.MAX_SAFE_INTEGER, true],
  ])('%j covers %d: %s', (rs, seq, expected) => {
    expect(isCovered(rs, seq)).toBe(expected);
  });
});

describe('mergeRange', () => {
  it.each<[string, SeqRange[], SeqRange, SeqRange, SeqRange[]]>([
    ['into nothing', [], r(5, 9), r(5, 9), []],
    ['disjoint, not adjacent', [r(1, 3)], r(5, 9), r(5, 9), []],
    ['adjacent below', [r(1, 4)], r(5, 9), r(1, 9), [r(1, 4)]],
    ['adjacent above', [r(10, 12)], r(5, 9), r(5, 12), [r(10, 12)]],
    ['overlapping', [r(1, 6)], r(5, 9), r(1, 9), [r(1, 6)]],
    ['contained (a repeat)', [r(1, 100)], r(5, 9), r(1, 100), [r(1, 100)]],
    ['bridging two', [r(1, 4), r(10, 12), r(50, 60)], r(5, 9), r(1, 12), [r(1, 4), r(10, 12)]],
    ['swallowing several', [r(2, 3), r(5, 6), r(8, 8)], r(1, 9), r(1, 9), [r(2, 3), r(5, 6), r(8, 8)]],
    ['single seq', [r(0, 0)], r(1, 1), r(0, 1), [r(0, 0)]],
  ])('%s', (_name, existing, added, merged, absorbed) => {
    expect(mergeRange(existing, added)).toEqual({ merged, absorbed });
  });
});

describe('freshIndexes', () => {
  it.each<[string, number[], SeqRange[], number[], number]>([
    ['all new', [1, 2, 3], [], [1, 2, 3], 0],
    ['all acknowledged', [1, 2, 3], [r(1, 3)], [], 3],
    ['partly acknowledged (re-chunked)', [3, 4, 5, 6], [r(1, 4)], [5, 6], 2],
    ['gap between ranges', [4, 5, 6], [r(1, 4), r(6, 9)], [5], 2],
    ['repeated within the batch', [7, 7, 8], [], [7, 8], 1],
    ['empty', [], [r(1, 2)], [], 0],
  ])('%s', (_name, seqs, acknowledged, fresh, duplicates) => {
    const out = freshIndexes(seqs, acknowledged);
    expect(out.fresh.map((i) => seqs[i])).toEqual(fresh);
    expect(out.duplicates).toBe(duplicates);
  });
});

describe('seqBounds', () => {
  it.each<[number[], SeqRange | null]>([
    [[], null],
    [[5], r(5, 5)],
    [[9, 3, 7], r(3, 9)],
  ])('%j -> %j', (seqs, expected) => {
    expect(seqBounds(seqs)).toEqual(expected);
  });
});
