import { describe, expect, it } from 'vitest';
import { decodePair, decodeRegisterPairs, formatNumber, formatPair, orderBytes, type PairType, type WordOrder } from './probe-decode.js';

describe('decodePair: one register pair in every type and order', () => {
  it.each<[string, number, number, PairType, WordOrder, number]>([
    ['float 200.0 big-endian', 0x4348, 0x0000, 'float32', 'ABCD', 200],
    ['float 200.0 stored word-swapped', 0x0000, 0x4348, 'float32', 'CDAB', 200],
    ['float 200.0 stored byte-swapped', 0x4843, 0x0000, 'float32', 'BADC', 200],
    ['float 200.0 stored little-endian', 0x0000, 0x4843, 'float32', 'DCBA', 200],
    ['float -1.5 big-endian', 0xbfc0, 0x0000, 'float32', 'ABCD', -1.5],
    ['uint32 65536 big-endian', 0x0001, 0x0000, 'uint32', 'ABCD', 65536],
    ['uint32 65536 word-swapped', 0x0000, 0x0001, 'uint32', 'CDAB', 65536],
    ['uint32 1 little-endian', 0x0100, 0x0000, 'uint32', 'DCBA', 1],
    ['uint32 1 byte-swapped', 0x0000, 0x0100, 'uint32', 'BADC', 1],
    ['int32 -1 any order', 0xffff, 0xffff, 'int32', 'DCBA', -1],
    ['int32 -2 big-endian', 0xffff, 0xfffe, 'int32', 'ABCD', -2],
    ['int32 -2 word-swapped', 0xfffe, 0xffff, 'int32', 'CDAB', -2],
    ['uint32 max', 0xffff, 0xffff, 'uint32', 'ABCD', 4294967295],
  ])('%s', (_name, high, low, type, order, expected) => {
    expect(decodePair(40000, high, low).values[type][order]).toBe(expected);
  });

  it.each<[WordOrder, number[]]>([
    ['ABCD', [0x12, 0x34, 0x56, 0x78]],
    ['CDAB', [0x56, 0x78, 0x12, 0x34]],
    ['BADC', [0x34, 0x12, 0x78, 0x56]],
    ['DCBA', [0x78, 0x56, 0x34, 0x12]],
  ])('orderBytes %s', (order, bytes) => {
    expect([...orderBytes(0x1234, 0x5678, order)]).toEqual(bytes);
  });

  it('gives the 16-bit values, signed and unsigned, and the pair as text', () => {
    const pair = decodePair(10, 0x5375, 0xfffe);
    expect(pair.uint16).toEqual([0x5375, 0xfffe]);
    expect(pair.int16).toEqual([0x5375, -2]);
    expect(pair.ascii).toBe('Su..');
  });

  it('decodes every consecutive pair (both alignments)', () => {
    const pairs = decodeRegisterPairs(100, [1, 2, 3]);
    expect(pairs.map((p) => [p.address, ...p.registers])).toEqual([
      [100, 1, 2],
      [101, 2, 3],
    ]);
    expect(decodeRegisterPairs(0, [7])).toEqual([]);
  });

  it('prints the four orders side by side under their names', () => {
    const text = formatPair(decodePair(40070, 0x4348, 0x0000));
    expect(text).toContain('40070-40071  0x4348 0x0000');
    expect(text.split('\n')[1]).toMatch(/ABCD big-endian\s+CDAB word swap\s+BADC byte swap\s+DCBA little-endian/);
    expect(text.split('\n')[2]).toMatch(/^ {2}float32 +200 /);
  });
});

describe('formatNumber', () => {
  it.each<[number, string]>([
    [200, '200'],
    [-3, '-3'],
    [0.1 + 0.2, '0.3'],
    [2.4e-41, '2.400e-41'],
    [1.054e12, '1.054e+12'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [32.00098, '32.00098'],
  ])('%d -> %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
