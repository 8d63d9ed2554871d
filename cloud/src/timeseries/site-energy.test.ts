import { describe, expect, it } from 'vitest';
import { combineEnergy, type EnergyBucket, type EnergyFlow, type EnergyIncrease } from './site-energy.js';

const inc = (flow: EnergyFlow, ts: number, wh: number): EnergyIncrease => ({ flow, ts, wh });
const all = new Set<EnergyFlow>(['production', 'gridImport', 'gridExport']);

describe('combineEnergy', () => {
  it.each<[string, EnergyIncrease[], Set<EnergyFlow>, EnergyBucket[]]>([
    ['nothing', [], all, []],
    [
      'self-consumption with export',
      [inc('production', 0, 5000), inc('gridImport', 0, 1000), inc('gridExport', 0, 2500)],
      all,
      [{ ts: 0, production: 5, consumption: 3.5, gridImport: 1, gridExport: 2.5 }],
    ],
    [
      'two inverters add up; buckets in time order',
      [inc('production', 2, 100), inc('production', 1, 1000), inc('production', 1, 2000)],
      all,
      [
        { ts: 1, production: 3, consumption: 3, gridImport: 0, gridExport: 0 },
        { ts: 2, production: 0.1, consumption: 0.1, gridImport: 0, gridExport: 0 },
      ],
    ],
    [
      'no grid meter: import, export and consumption unknown',
      [inc('production', 0, 4000)],
      new Set<EnergyFlow>(['production']),
      [{ ts: 0, production: 4, consumption: null, gridImport: null, gridExport: null }],
    ],
    [
      'a meter but no inverter: consumption is the import',
      [inc('gridImport', 0, 700), inc('gridExport', 0, 0)],
      new Set<EnergyFlow>(['gridImport', 'gridExport']),
      [{ ts: 0, production: null, consumption: 0.7, gridImport: 0.7, gridExport: 0 }],
    ],
  ])('%s', (_name, increases, available, expected) => {
    expect(combineEnergy(increases, available)).toEqual(expected);
  });
});
