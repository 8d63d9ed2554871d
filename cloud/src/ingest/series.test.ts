import type { BatchSeries } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import { collectSeries, seriesKey } from './series.js';

const r = (device: string, metric: BatchSeries['metric'], unit: string, point?: string): BatchSeries => ({ device, metric, unit, ...(point ? { point } : {}) });
const ids = new Map([['inv-1', 'd1'], ['inv-2', 'd2']]);

describe('collectSeries', () => {
  it.each<[string, BatchSeries[], Array<[string, string, string, string | null]>, string[]]>([
    ['none for no series', [], [], []],
    [
      'one per device and metric, in first-seen order',
      [r('inv-1', 'ac_power_w', 'W'), r('inv-2', 'ac_power_w', 'W'), r('inv-1', 'ac_power_w', 'W')],
      [['d1', 'ac_power_w', 'W', null], ['d2', 'ac_power_w', 'W', null]],
      [seriesKey('d1', 'ac_power_w'), seriesKey('d2', 'ac_power_w'), seriesKey('d1', 'ac_power_w')],
    ],
    [
      "the later entry's unit and point win",
      [r('inv-1', 'ac_power_w', 'W', 'a'), r('inv-1', 'ac_power_w', 'kW', 'b'), r('inv-1', 'ac_power_w', 'kW')],
      [['d1', 'ac_power_w', 'kW', null]],
      [seriesKey('d1', 'ac_power_w'), seriesKey('d1', 'ac_power_w'), seriesKey('d1', 'ac_power_w')],
    ],
  ])('%s', (_name, list, expected, keys) => {
    const { specs, keys: actual } = collectSeries(list, ids);
    expect([...specs.values()].map((s) => [s.deviceId, s.metric, s.unit, s.point])).toEqual(expected);
    expect([...specs.keys()]).toEqual(expected.map(([d, m]) => seriesKey(d, m)));
    expect(actual).toEqual(keys);
  });

  it('refuses a device that was not resolved', () => {
    expect(() => collectSeries([r('inv-9', 'ac_power_w', 'W')], ids)).toThrow('device "inv-9" was not resolved');
  });
});
