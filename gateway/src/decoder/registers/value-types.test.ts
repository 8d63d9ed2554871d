import { describe, expect, it } from 'vitest';
import { canonicalBytes, decodeRaw, unsignedRaw, type Order, type ValueFormat, type ValueType } from './value-types.js';

const f = (type: ValueType, byteOrder: Order = 'big', wordOrder: Order = 'big', length?: number): ValueFormat => ({ type, byteOrder, wordOrder, length });

describe('decodeRaw per type (big-endian, high word first)', () => {
  it.each<[ValueType, number[], number | string | null]>([
    ['int16', [0xfff6], -10],
    ['int16', [0x7fff], 32767],
    ['uint16', [0xfff6], 65526],
    ['int32', [0xffff, 0xfffe], -2],
    ['uint32', [0x0001, 0x0002], 65538],
    ['int64', [0xffff, 0xffff, 0xffff, 0xfffd], -3],
    ['uint64', [0, 0, 0x0001, 0x0000], 65536],
    ['float32', [0x4366, 0x0ccd], 230.0500030517578],
    ['float32', [0x7fc0, 0x0000], null],
    ['float32', [0x7f80, 0x0000], null],
    ['float64', [0x4059, 0x0000, 0, 0], 100],
    ['float64', [0x7ff8, 0, 0, 0], null],
    ['bitfield16', [0x8001], 0x8001],
    ['enum32', [0, 512], 512],
    ['bool', [1], 1],
    ['string', [0x5355, 0x4e32, 0x3030, 0x3000, 0], 'SUN2000'],
    ['string', [0, 0], null],
  ])('%s %j -> %j', (type, words, expected) => {
    expect(decodeRaw(f(type, 'big', 'big', words.length), words)).toBe(expected);
  });
});

describe('byte and word order: one float32 (230.05) in all four layouts', () => {
  // ABCD = 43 66 0C CD
  it.each<[string, Order, Order, number[]]>([
    ['ABCD', 'big', 'big', [0x4366, 0x0ccd]],
    ['CDAB', 'big', 'little', [0x0ccd, 0x4366]],
    ['BADC', 'little', 'big', [0x6643, 0xcd0c]],
    ['DCBA', 'little', 'little', [0xcd0c, 0x6643]],
  ])('%s', (_name, byteOrder, wordOrder, words) => {
    expect(decodeRaw(f('float32', byteOrder, wordOrder), words)).toBeCloseTo(230.05, 4);
    expect([...canonicalBytes(words, byteOrder, wordOrder)]).toEqual([0x43, 0x66, 0x0c, 0xcd]);
  });

  it('a swapped int32 is not silently a tiny float', () => {
    expect(decodeRaw(f('uint32', 'big', 'little'), [0x86a0, 0x0001])).toBe(100_000);
    expect(decodeRaw(f('uint32', 'big', 'big'), [0x86a0, 0x0001])).toBe(0x86a00001);
  });

  it('strings ignore word order but honour byte order', () => {
    expect(decodeRaw(f('string', 'little', 'little', 2), [0x5553, 0x324e])).toBe('SUN2');
  });
});

describe('unsignedRaw (for sentinel lists)', () => {
  it.each<[ValueType, number[], number | undefined]>([
    ['int16', [0x8000], 0x8000],
    ['int32', [0x7fff, 0xffff], 0x7fffffff],
    ['uint32', [0xffff, 0xffff], 0xffffffff],
    ['float32', [0x7fc0, 0], undefined],
    ['string', [0x4142], undefined],
  ])('%s %j', (type, words, expected) => {
    expect(unsignedRaw(f(type), words)).toBe(expected);
  });
});
