import { describe, expect, it } from 'vitest';
import { applyScaleFactor, buildDeviceImage, DeviceImageError, SUNSPEC_BASE_ADDRESS } from './device-image.js';
import { layoutModel, loadModelDefinition, ModelDefinitionError, parseModelDefinition } from './model-definition.js';
import { PointEncodingError } from './sunspec-types.js';

const common = loadModelDefinition(1);
const inverter = loadModelDefinition(103);
const meter = loadModelDefinition(203);

describe('layouts from the official JSON definitions', () => {
  it.each([
    [1, 'common', 66],
    [103, 'inverter_three_phase', 50],
    [203, 'ac_meter_abcn', 105],
  ])('model %i (%s) has L = %i', (id, name, length) => {
    const l = layoutModel(loadModelDefinition(id));
    expect(l.id).toBe(id);
    expect(l.name).toBe(name);
    expect(l.length).toBe(length);
  });

  // Offsets from the model's ID register, as published maps (e.g. SolarEdge's) place them.
  it.each([
    [1, 'Mn', 2],
    [1, 'Md', 18],
    [1, 'Opt', 34],
    [1, 'Vr', 42],
    [1, 'SN', 50],
    [1, 'DA', 66],
    [1, 'Pad', 67],
    [103, 'A', 2],
    [103, 'A_SF', 6],
    [103, 'W', 14],
    [103, 'W_SF', 15],
    [103, 'Hz', 16],
    [103, 'WH', 24],
    [103, 'WH_SF', 26],
    [103, 'DCA', 27],
    [103, 'TmpCab', 33],
    [103, 'St', 38],
    [103, 'Evt1', 40],
    [203, 'W', 18],
    [203, 'W_SF', 22],
    [203, 'TotWhExp', 38],
    [203, 'TotWhImp', 46],
    [203, 'TotWh_SF', 54],
    [203, 'Evt', 105],
  ])('model %i point %s at offset %i', (id, point, offset) => {
    expect(layoutModel(loadModelDefinition(id)).byName.get(point)?.offset).toBe(offset);
  });

  it('rejects definitions it cannot lay out, naming the problem', () => {
    expect(() => parseModelDefinition({ id: 5, group: { name: 'x', type: 'group', points: [{ name: 'A', type: 'int17', size: 1 }] } })).toThrow(
      ModelDefinitionError,
    );
    const nested = parseModelDefinition({ id: 7, group: { name: 'rep', type: 'group', points: [], groups: [{ name: 'g', type: 'group' }] } });
    expect(() => layoutModel(nested)).toThrow(/nested groups/);
    const noId = parseModelDefinition({ id: 8, group: { name: 'x', type: 'group', points: [{ name: 'A', type: 'int16', size: 1 }] } });
    expect(() => layoutModel(noId)).toThrow(/ID and L/);
  });
});

describe('buildDeviceImage', () => {
  const image = buildDeviceImage([
    { definition: common, values: { Mn: 'SolarHub', Md: 'SIM', SN: 'S1', DA: 1 } },
    { definition: inverter, values: { W_SF: 1, W: 123, WH_SF: 0, WH: 4_000_000_000 } },
  ]);

  it("starts with 'SunS' at 40000, chains 1 -> 103 -> end marker", () => {
    expect(image.baseAddress).toBe(SUNSPEC_BASE_ADDRESS);
    expect(Array.from(image.read(40000, 4))).toEqual([0x5375, 0x6e53, 1, 66]);
    expect(Array.from(image.read(40070, 2))).toEqual([103, 50]);
    expect(Array.from(image.read(40122, 2))).toEqual([0xffff, 0]);
    expect(image.length).toBe(2 + 68 + 52 + 2);
  });

  it('fills given points and leaves the rest "not implemented"', () => {
    expect(image.getPoint(1, 'Mn')).toBe('SolarHub');
    expect(image.getPoint(1, 'Opt')).toBeNull();
    expect(Array.from(image.read(image.pointAddress(1, 'Opt'), 8))).toEqual(new Array(8).fill(0));
    expect(image.getPoint(1, 'Pad')).toBeNull();
    expect(Array.from(image.read(image.pointAddress(1, 'Pad'), 1))).toEqual([0x8000]);
    expect(Array.from(image.read(image.pointAddress(103, 'PF'), 2))).toEqual([0x8000, 0x8000]); // PF, PF_SF
    expect(Array.from(image.read(image.pointAddress(103, 'A'), 1))).toEqual([0xffff]); // uint16
    expect(Array.from(image.read(image.pointAddress(103, 'Evt1'), 2))).toEqual([0xffff, 0xffff]);
    expect(Array.from(image.read(image.pointAddress(103, 'WH'), 2))).toEqual([0xee6b, 0x2800]);
  });

  it('scales: raw x 10^sf, and null when the value or its scale factor is not implemented', () => {
    expect(image.getScaled(103, 'W')).toBe(1230);
    expect(image.getScaled(103, 'WH')).toBe(4_000_000_000);
    expect(image.getScaled(103, 'PF')).toBeNull();
    expect(image.getScaled(103, 'A')).toBeNull();
  });

  it('setScaled rounds to the scale factor and round-trips', () => {
    const img = buildDeviceImage([{ definition: common }, { definition: inverter, values: { V_SF: -1, A_SF: -2, W_SF: 1 } }]);
    img.setScaled(103, 'PhVphA', 230.14);
    expect(img.getPoint(103, 'PhVphA')).toBe(2301);
    expect(img.getScaled(103, 'PhVphA')).toBe(230.1);
    img.setScaled(103, 'AphA', 14.499);
    expect(img.getScaled(103, 'AphA')).toBe(14.5);
    img.setScaled(103, 'W', 9996);
    expect(img.getPoint(103, 'W')).toBe(1000);
    img.setScaled(103, 'W', -0.4);
    expect(img.getPoint(103, 'W')).toBe(0);
    expect(() => img.setScaled(103, 'DCA', 1)).toThrow(/scale factor is not implemented/);
    expect(() => img.setScaled(103, 'W', 400_000)).toThrow(PointEncodingError);
  });

  it('read copies, and refuses ranges outside the map', () => {
    const regs = image.read(40000, 2);
    regs[0] = 0;
    expect(image.read(40000, 1)[0]).toBe(0x5375);
    expect(image.contains(39999, 1)).toBe(false);
    expect(image.contains(40000, image.length)).toBe(true);
    expect(image.contains(40000, image.length + 1)).toBe(false);
    expect(image.contains(40000, 0)).toBe(false);
    expect(() => image.read(40123, 2)).toThrow(RangeError);
  });

  it('refuses unknown points and the layout-owned ID and L', () => {
    expect(() => buildDeviceImage([{ definition: common, values: { Nope: 1 } }])).toThrow(DeviceImageError);
    expect(() => buildDeviceImage([{ definition: common, values: { L: 3 } }])).toThrow(/fixed by the layout/);
    expect(() => image.setPoint(103, 'ID', 1)).toThrow(DeviceImageError);
    expect(() => image.getPoint(203, 'W')).toThrow(/no model 203/);
  });

  it('is pure: the same input gives the same registers', () => {
    const a = buildDeviceImage([{ definition: common, values: { Mn: 'X' } }, { definition: meter }]);
    const b = buildDeviceImage([{ definition: common, values: { Mn: 'X' } }, { definition: meter }]);
    expect(a.read(40000, a.length)).toEqual(b.read(40000, b.length));
    expect(Array.from(a.read(40070, 2))).toEqual([203, 105]);
    expect(Array.from(a.read(40070 + 107, 2))).toEqual([0xffff, 0]);
  });

  it('applyScaleFactor gives the nearest double for negative exponents', () => {
    expect(applyScaleFactor(2301, -1)).toBe(230.1);
    expect(applyScaleFactor(5001, -2)).toBe(50.01);
    expect(applyScaleFactor(123, 2)).toBe(12300);
  });
});
