import { describe, expect, it } from 'vitest';
import { applyScaleFactor, decodePointValue, type PointValue } from './point-types.js';

describe('decodePointValue', () => {
  it.each<[string, number[], PointValue]>([
    ['int16', [0x0064], 100],
    ['int16', [0xff9c], -100],
    ['int16', [0x8000], null],
    ['sunssf', [0xfffe], -2],
    ['sunssf', [0x8000], null],
    ['uint16', [0xfffe], 65534],
    ['uint16', [0xffff], null],
    ['count', [3], 3],
    ['count', [0xffff], null],
    ['acc16', [5], 5],
    ['acc16', [0], null],
    ['enum16', [4], 4],
    ['enum16', [0xffff], null],
    ['bitfield16', [0x8001], 0x8001],
    ['bitfield16', [0xffff], null],
    ['pad', [0], null],
    ['int32', [0xffff, 0xfffe], -2],
    ['int32', [0x0001, 0x0000], 65536],
    ['int32', [0x8000, 0x0000], null],
    ['uint32', [0x0001, 0x0002], 65538],
    ['uint32', [0xffff, 0xffff], null],
    ['enum32', [0xffff, 0xffff], null],
    ['bitfield32', [0x8000, 0x0001], 0x80000001],
    ['bitfield32', [0xffff, 0xffff], null],
    ['acc32', [0x0012, 0xd687], 1234567],
    ['acc32', [0, 0], null],
    ['float32', [0x4348, 0x0000], 200],
    ['float32', [0xc2c8, 0x0000], -100],
    ['float32', [0x7fc0, 0x0000], null],
    ['float32', [0x7f80, 0x0000], null],
    ['float64', [0x4059, 0, 0, 0], 100],
    ['float64', [0x7ff8, 0, 0, 0], null],
    ['int64', [0xffff, 0xffff, 0xffff, 0xfffb], -5],
    ['int64', [0x8000, 0, 0, 0], null],
    ['uint64', [0, 0, 0x0001, 0x0000], 65536],
    ['uint64', [0xffff, 0xffff, 0xffff, 0xffff], null],
    ['acc64', [0, 0, 0, 7], 7],
    ['acc64', [0, 0, 0, 0], null],
    ['string', [0x5375, 0x6e53, 0, 0], 'SunS'],
    ['string', [0x4142, 0x2020], 'AB'],
    ['string', [0, 0, 0], null],
    ['ipaddr', [0xc0a8, 0x0102], '192.168.1.2'],
    ['ipaddr', [0, 0], null],
    ['eui48', [0, 0x0011, 0x2233, 0x4455], '00:11:22:33:44:55'],
    ['eui48', [0xffff, 0xffff, 0xffff, 0xffff], null],
    ['no_such_type', [1], null],
    ['uint32', [1], null],
  ])('%s %j -> %j', (type, words, expected) => {
    expect(decodePointValue(type, words)).toBe(expected);
  });
});

describe('applyScaleFactor', () => {
  it.each<[number, number, number]>([
    [2345, -1, 234.5],
    [3, -1, 0.3],
    [5001, -2, 50.01],
    [12, 3, 12_000],
    [-250, -1, -25],
    [7, 0, 7],
  ])('%d * 10^%d = %d', (raw, sf, expected) => {
    expect(applyScaleFactor(raw, sf)).toBe(expected);
  });
});
