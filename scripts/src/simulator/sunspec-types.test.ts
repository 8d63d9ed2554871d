import { describe, expect, it } from 'vitest';
import {
  decodePoint,
  encodePoint,
  notImplementedRegisters,
  PointEncodingError,
  registerCount,
  SUNSPEC_POINT_TYPES,
  type PointValue,
  type SunSpecPointType,
} from './sunspec-types.js';

describe('register counts', () => {
  it.each([
    ['int16', 1],
    ['uint16', 1],
    ['acc16', 1],
    ['enum16', 1],
    ['bitfield16', 1],
    ['sunssf', 1],
    ['count', 1],
    ['pad', 1],
    ['int32', 2],
    ['uint32', 2],
    ['acc32', 2],
    ['enum32', 2],
    ['bitfield32', 2],
    ['float32', 2],
    ['int64', 4],
    ['uint64', 4],
    ['acc64', 4],
  ] as const)('%s takes %i register(s)', (type, n) => {
    expect(registerCount(type, n)).toBe(n);
    expect(notImplementedRegisters(type, n)).toHaveLength(n);
  });

  it('a string takes its size in registers', () => {
    expect(registerCount('string', 16)).toBe(16);
    expect(encodePoint('string', 16, 'SolarHub')).toHaveLength(16);
  });
});

describe('encoding: big-endian bytes, high word first', () => {
  const cases: [SunSpecPointType, number, PointValue, number[]][] = [
    ['int16', 1, -1, [0xffff]],
    ['int16', 1, 1234, [0x04d2]],
    ['int16', 1, -32767, [0x8001]],
    ['uint16', 1, 65534, [0xfffe]],
    ['acc16', 1, 7, [7]],
    ['enum16', 1, 4, [4]],
    ['bitfield16', 1, 0b1010, [0x000a]],
    ['sunssf', 1, -2, [0xfffe]],
    ['sunssf', 1, 1, [0x0001]],
    ['count', 1, 3, [3]],
    ['int32', 2, -2, [0xffff, 0xfffe]],
    ['int32', 2, 0x12345678, [0x1234, 0x5678]],
    ['uint32', 2, 0xdeadbeef, [0xdead, 0xbeef]],
    ['acc32', 2, 25_000_000, [0x017d, 0x7840]],
    ['enum32', 2, 0x10002, [0x0001, 0x0002]],
    ['bitfield32', 2, 0x80000001, [0x8000, 0x0001]],
    ['float32', 2, 1.5, [0x3fc0, 0x0000]],
    ['float32', 2, -230.5, [0xc366, 0x8000]],
    ['acc64', 4, 0x0102030405060708n, [0x0102, 0x0304, 0x0506, 0x0708]],
    ['uint64', 4, 1n, [0, 0, 0, 1]],
    ['int64', 4, -1n, [0xffff, 0xffff, 0xffff, 0xffff]],
    ['string', 4, 'SunSp', [0x5375, 0x6e53, 0x7000, 0x0000]],
    ['string', 2, 'ABCD', [0x4142, 0x4344]],
  ];

  it.each(cases)('%s (%i) %s', (type, size, value, regs) => {
    expect(encodePoint(type, size, value)).toEqual(regs);
    const back = decodePoint(type, regs);
    if (type === 'float32') expect(back).toBeCloseTo(value as number, 5);
    else expect(back).toEqual(value);
  });
});

describe('"not implemented" sentinels', () => {
  const cases: [SunSpecPointType, number, number[]][] = [
    ['int16', 1, [0x8000]],
    ['uint16', 1, [0xffff]],
    ['enum16', 1, [0xffff]],
    ['bitfield16', 1, [0xffff]],
    ['acc16', 1, [0x0000]],
    ['sunssf', 1, [0x8000]],
    ['pad', 1, [0x8000]],
    ['int32', 2, [0x8000, 0x0000]],
    ['uint32', 2, [0xffff, 0xffff]],
    ['enum32', 2, [0xffff, 0xffff]],
    ['bitfield32', 2, [0xffff, 0xffff]],
    ['acc32', 2, [0x0000, 0x0000]],
    ['float32', 2, [0x7fc0, 0x0000]],
    ['int64', 4, [0x8000, 0, 0, 0]],
    ['uint64', 4, [0xffff, 0xffff, 0xffff, 0xffff]],
    ['acc64', 4, [0, 0, 0, 0]],
    ['string', 3, [0, 0, 0]],
  ];

  it.each(cases)('%s is %j and decodes to null', (type, size, regs) => {
    expect(notImplementedRegisters(type, size)).toEqual(regs);
    expect(encodePoint(type, size, null)).toEqual(regs);
    expect(decodePoint(type, regs)).toBeNull();
  });

  it('every type has a sentinel of its own register count', () => {
    for (const type of SUNSPEC_POINT_TYPES) {
      const size = type === 'string' ? 8 : registerCount(type, 0);
      expect(notImplementedRegisters(type, size), type).toHaveLength(size);
    }
  });

  it('any float32 NaN reads as not implemented', () => {
    expect(decodePoint('float32', [0x7fc0, 0x0001])).toBeNull();
    expect(decodePoint('float32', [0xffc0, 0x0000])).toBeNull();
  });
});

describe('rejected values', () => {
  it.each([
    ['int16', 1, 32768],
    ['int16', 1, -32768], // the sentinel itself: pass null
    ['uint16', 1, 65535],
    ['uint16', 1, -1],
    ['uint16', 1, 1.5],
    ['sunssf', 1, 11],
    ['sunssf', 1, -11],
    ['int32', 2, -0x80000000],
    ['uint32', 2, 0xffffffff],
    ['uint32', 2, 2 ** 32],
    ['acc32', 2, -1],
    ['enum16', 1, 0xffff],
    ['float32', 2, Number.NaN],
    ['float32', 2, '1.5'],
    ['int16', 1, 'x'],
    ['string', 2, 'too long'],
    ['string', 4, 'café'],
    ['string', 4, 12],
  ] as [SunSpecPointType, number, PointValue][])('%s (%i) %s', (type, size, value) => {
    expect(() => encodePoint(type, size, value)).toThrow(PointEncodingError);
  });

  it('accumulators accept their sentinel 0 as a value', () => {
    expect(encodePoint('acc32', 2, 0)).toEqual([0, 0]);
    expect(encodePoint('acc16', 1, 0)).toEqual([0]);
  });
});
