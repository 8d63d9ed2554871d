import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../testing/sunspec-image.js';
import { decodeModel } from './decode.js';
import { createModelLibrary, type ModelDefinition } from './definition.js';
import { layoutModel, nextReadEnd } from './layout.js';
import type { PointValue } from './point-types.js';

const library = createModelLibrary();
const model = (id: number): ModelDefinition => {
  const definition = library.get(id);
  if (!definition) throw new Error(`model ${id} missing`);
  return definition;
};

describe('decodeModel, model 103 (three-phase inverter, integer + scale factors)', () => {
  const base = { A: 1234, A_SF: -2, PhVphA: 2301, V_SF: -1, W: 5000, W_SF: 0, Hz: 5001, Hz_SF: -2, WH: 1234567, WH_SF: 1, TmpCab: -55, Tmp_SF: -1, St: 4, PF: 995, PF_SF: -1 };

  it.each<[string, Record<string, number>, string, PointValue]>([
    ['scales uint16 by a negative factor', {}, 'A', 12.34],
    ['scales by -1', {}, 'PhVphA', 230.1],
    ['keeps sf 0', {}, 'W', 5000],
    ['scales frequency', {}, 'Hz', 50.01],
    ['scales acc32 by a positive factor', {}, 'WH', 12_345_670],
    ['scales a negative int16', {}, 'TmpCab', -5.5],
    ['leaves enums unscaled', {}, 'St', 4],
    ['returns the scale factor itself', {}, 'A_SF', -2],
    ['gives no value for a not-implemented uint16', { PhVphB: 0xffff }, 'PhVphB', null],
    ['gives no value for a not-implemented int16', { W: 0x8000 }, 'W', null],
    ['gives no value when the scale factor is not implemented', { V_SF: 0x8000 }, 'PhVphA', null],
    ['gives no value when the scale factor is out of range', { V_SF: 20 }, 'PhVphA', null],
    ['gives no value for an acc32 of 0', { WH: 0 }, 'WH', null],
  ])('%s', (_name, overrides, point, expected) => {
    const decoded = decodeModel(model(103), encodeModel(model(103), { ...base, ...overrides }));
    expect(decoded.id).toBe(103);
    expect(decoded.length).toBe(50);
    expect(decoded.points[point]).toBe(expected);
  });

  it('accepts a Uint16Array', () => {
    const decoded = decodeModel(model(103), Uint16Array.from(encodeModel(model(103), base)));
    expect(decoded.points.A).toBe(12.34);
  });
});

describe('decodeModel, odd lengths', () => {
  it('decodes model 1 with L=65 (no Pad) and a longer-than-defined block', () => {
    const values = { Mn: 'SolarHub', Md: 'Sim-3P', SN: 'SN123', Vr: '1.2.3', DA: 1 };
    const short = decodeModel(model(1), encodeModel(model(1), values, 65));
    expect(short.points).toMatchObject({ Mn: 'SolarHub', Md: 'Sim-3P', SN: 'SN123', Vr: '1.2.3', DA: 1 });
    expect('Pad' in short.points).toBe(false);
    const long = decodeModel(model(1), [...encodeModel(model(1), values, 70)]);
    expect(long.points.SN).toBe('SN123');
    expect(long.length).toBe(70);
  });

  it('leaves out points beyond the registers it was given', () => {
    const block = encodeModel(model(103), { A: 10, A_SF: 0, W: 1, W_SF: 0 }).slice(0, 10);
    const decoded = decodeModel(model(103), block);
    expect(decoded.points.A).toBe(10);
    expect('W' in decoded.points).toBe(false);
  });
});

describe('decodeModel, repeating groups (model 160, scale factors from the parent group)', () => {
  const values = {
    DCA_SF: -2, DCV_SF: -1, DCW_SF: 0, DCWH_SF: 0, N: 2,
    'module.1.ID': 1, 'module.1.IDStr': 'String A', 'module.1.DCA': 812, 'module.1.DCV': 3502, 'module.1.DCW': 2843,
    'module.2.ID': 2, 'module.2.DCA': 790, 'module.2.DCV': 0xffff, 'module.2.DCW': 2790, 'module.2.DCWH': 123,
  };
  const decoded = decodeModel(model(160), encodeModel(model(160), values, 8 + 2 * 20));

  it.each<[string, PointValue]>([
    ['N', 2],
    ['module.1.DCA', 8.12],
    ['module.1.DCV', 350.2],
    ['module.1.DCW', 2843],
    ['module.1.IDStr', 'String A'],
    ['module.2.DCA', 7.9],
    ['module.2.DCV', null],
    ['module.2.DCWH', 123],
  ])('%s = %j', (path, expected) => {
    expect(decoded.points[path]).toBe(expected);
  });

  it('repeats the group as often as the length allows', () => {
    expect(Object.keys(decoded.points).filter((p) => p.endsWith('.DCA'))).toEqual(['module.1.DCA', 'module.2.DCA']);
  });
});

describe('nextReadEnd', () => {
  const layout103 = layoutModel(model(103), 50);
  const layout160 = layoutModel(model(160), 8 + 10 * 20);
  it.each<[string, ReturnType<typeof layoutModel>, number, number, number]>([
    ['reads a small model at once', layout103, 0, 125, 52],
    ['caps at the request size, not splitting a uint32', layout160, 0, 125, 124],
    ['continues from where it stopped', layout160, 124, 125, 210],
    ['stops at a point boundary inside a repeating group', layout160, 0, 120, 120],
    ['never splits a 32-bit point', layout103, 0, 25, 24],
  ])('%s', (_name, layout, from, max, expected) => {
    expect(nextReadEnd(layout, from, max)).toBe(expected);
  });
});

describe('model library', () => {
  it('loads and validates every bundled definition', async () => {
    const { readdirSync } = await import('node:fs');
    const { MODELS_DIR } = await import('./definition.js');
    const ids = readdirSync(MODELS_DIR).flatMap((f) => /^model_(\d+)\.json$/.exec(f)?.[1] ?? []).map(Number);
    expect(ids.length).toBeGreaterThan(100);
    for (const id of ids) expect(library.get(id)?.id).toBe(id);
    expect(library.get(4242)).toBeUndefined();
  });
});
