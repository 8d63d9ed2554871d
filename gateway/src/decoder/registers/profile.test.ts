import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileProfile, decodePoint } from './compile.js';
import { loadProfile, parseProfile, PROFILES_DIR, ProfileError } from './profile.js';
import { planReads } from './planner.js';
import { pointSpan } from './compile.js';

const minimal = (points: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'test_map', manufacturer: 'Acme', model: 'X1', deviceType: 'meter', source: { document: 'Acme X1 register list' }, points, ...extra,
});

describe('bundled profiles', () => {
  const ids = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  it.each(ids)('%s is valid, cites its source and plans within Modbus limits', (id) => {
    const profile = loadProfile(id);
    expect(profile.id).toBe(id);
    expect(profile.source.document.length).toBeGreaterThan(20);
    const plan = planReads(compileProfile(profile).map(pointSpan), { maxRegisters: profile.requests.maxRegisters, maxGap: profile.requests.maxGap });
    expect(plan.every((r) => r.count <= 125)).toBe(true);
    expect(plan.length).toBeLessThan(profile.points.length);
  });
  it('ships the SDM630 meter and a Huawei SUN2000 inverter', () => {
    expect(ids).toEqual(expect.arrayContaining(['eastron_sdm630', 'huawei_sun2000']));
  });
});

describe('profile validation says what is wrong and where', () => {
  it.each<[string, unknown, RegExp]>([
    ['unknown metric', minimal([{ name: 'p', address: 0, metric: 'power' }]), /points\.0\.metric: unknown metric "power"/],
    ['wrong unit for a metric', minimal([{ name: 'p', address: 0, metric: 'ac_power_w', unit: 'kW' }]), /points\.0\.unit: metric ac_power_w is in "W"/],
    ['string without length', minimal([{ name: 's', address: 0, type: 'string' }]), /points\.0\.length: a string needs its length/],
    ['duplicate names', minimal([{ name: 'a', address: 0 }, { name: 'a', address: 2 }]), /points\.1\.name: duplicate point name "a"/],
    ['bad hex address', minimal([{ name: 'a', address: '0xZZ' }]), /points\.0\.address/],
    ['bool outside coils', minimal([{ name: 'a', address: 0, type: 'bool' }]), /bool is for coil and discrete tables/],
    ['no source', { ...minimal([{ name: 'a', address: 0 }]), source: undefined }, /source/],
  ])('%s', (_name, raw, message) => {
    expect(() => parseProfile(raw, 'test.json')).toThrow(ProfileError);
    expect(() => parseProfile(raw, 'test.json')).toThrow(message);
  });
});

describe('decodePoint: scaling, sentinels, bits', () => {
  const point = (p: Record<string, unknown>, defaults: Record<string, unknown> = {}) =>
    compileProfile(parseProfile(minimal([{ name: 'p', address: 10, ...p }], { defaults }), 't'))[0]!;
  const regs = (m: Record<number, number>) => (a: number) => m[a];
  it.each<[string, Record<string, unknown>, Record<number, number>, number | string | null, Record<string, unknown>?]>([
    ['multiplier', { type: 'int16', multiplier: 0.1 }, { 10: 0xfff6 }, -1],
    ['multiplier and offset', { type: 'uint16', multiplier: 0.5, offset: -40 }, { 10: 100 }, 10],
    ['fixed scale factor', { type: 'uint16', scaleFactor: -2 }, { 10: 1234 }, 12.34],
    ['scale factor register', { type: 'uint16', scaleFactor: { address: 12 } }, { 10: 2301, 11: 0, 12: 0xffff }, 230.1],
    ['scale factor not implemented', { type: 'uint16', scaleFactor: { address: 12 } }, { 10: 2301, 11: 0, 12: 0x8000 }, null],
    ['sentinel', { type: 'int16', sentinels: [0x8000] }, { 10: 0x8000 }, null],
    ['32-bit sentinel', { type: 'uint32', sentinels: [0xffffffff] }, { 10: 0xffff, 11: 0xffff }, null],
    ['not a sentinel', { type: 'int16', sentinels: [0x8000] }, { 10: 0x8001 }, -32767],
    ['one bit of a bitfield', { type: 'bitfield16', bit: 3 }, { 10: 0b1000 }, 1],
    ['float32 CDAB by default', { type: 'float32' }, { 10: 0x0ccd, 11: 0x4366 }, 230.05000305, { wordOrder: 'little' }],
    ['float32 NaN', { type: 'float32' }, { 10: 0x7fc0, 11: 0 }, null],
    ['missing register', { type: 'uint32' }, { 10: 1 }, null],
  ])('%s', (_name, p, words, expected, defaults) => {
    const value = decodePoint(point(p, defaults), regs(words));
    if (typeof expected === 'number') expect(value).toBeCloseTo(expected, 6);
    else expect(value).toBe(expected);
  });
});
