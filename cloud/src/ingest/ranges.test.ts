import { describe, expect, it } from 'vitest';
import { freshIndexes, isCovered, seqBounds, uncovered, type SeqRange } from './ranges.js';

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

describe('uncovered', () => {
  it.each<[string, SeqRange, SeqRange[], SeqRange[]]>([
    ['nothing acknowledged: all of it', r(5, 9), [], [r(5, 9)]],
    ['all acknowledged', r(5, 9), [r(1, 20)], []],
    ['exactly acknowledged', r(5, 9), [r(5, 9)], []],
    ['acknowledged at the start', r(5, 9), [r(1, 6)], [r(7, 9)]],
    ['acknowledged at the end', r(5, 9), [r(8, 12)], [r(5, 7)]],
    ['a hole in the middle', r(1, 10), [r(4, 5)], [r(1, 3), r(6, 10)]],
    ['several holes', r(1, 20), [r(2, 3), r(7, 7), r(15, 25)], [r(1, 1), r(4, 6), r(8, 14)]],
    ['ranges before and after, not touching', r(10, 12), [r(1, 8), r(14, 20)], [r(10, 12)]],
    ['ranges touching on both sides', r(10, 12), [r(1, 9), r(13, 20)], [r(10, 12)]],
    ['one seq', r(7, 7), [r(1, 6)], [r(7, 7)]],
  ])('%s', (_name, bounds, acknowledged, expected) => {
    expect(uncovered(bounds, acknowledged)).toEqual(expected);
  });
});

describe('freshIndexes', () => {
  it.each<[string, number[], SeqRange[], number[], number]>([
    ['all new', [1, 2, 3], [], [1, 2, 3], 0],
    ['all acknowledged', [1, 2, 3], [r(1, 3)], [], 3],
    ['partly acknowledged (re-chunked)', [3, 4, 5, 6], [r(1, 4)], [5, 6], 2],
    ['gap between ranges', [4, 5, 6], [r(1, 4), r(6, 9)], [5], 2],
    ['repeated within the batch', [7, 7, 8], [], [7, 8], 1],
    ['repeated, not next to each other', [7, 8, 9, 7, 8], [], [7, 8, 9], 2],
    ['out of order, none repeated', [9, 7, 8], [], [9, 7, 8], 0],
    ['out of order, partly acknowledged and repeated', [9, 3, 9, 5], [r(1, 4)], [9, 5], 2],
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
