import type { Reading } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import { collectSeries, seriesKey } from './series.js';

const r = (device: string, metric: Reading['metric'], unit: string, point?: string): Reading => ({ seq: 1, device, metric, ts: 0, value: 0, unit, quality: 'good', ...(point ? { point } : {}) });
const ids = new Map([['inv-1', 'd1'], ['inv-2', 'd2']]);

describe('collectSeries', () => {
  it.each<[string, Reading[], Array<[string, string, string, string | null]>]>([
    ['none for no readings', [], []],
    ['one per device and metric, in first-seen order', [r('inv-1', 'ac_power_w', 'W'), r('inv-2', 'ac_power_w', 'W'), r('inv-1', 'ac_power_w', 'W')], [['d1', 'ac_power_w', 'W', null], ['d2', 'ac_power_w', 'W', null]]],
    ['the last reading\'s unit and point win', [r('inv-1', 'ac_power_w', 'W', 'a'), r('inv-1', 'ac_power_w', 'kW', 'b'), r('inv-1', 'ac_power_w', 'kW')], [['d1', 'ac_power_w', 'kW', null]]],
  ])('%s', (_name, readings, expected) => {
    const specs = collectSeries(readings, ids);
    expect([...specs.values()].map((s) => [s.deviceId, s.metric, s.unit, s.point])).toEqual(expected);
    expect([...specs.keys()]).toEqual(expected.map(([d, m]) => seriesKey(d, m)));
  });

  it('refuses a device that was not resolved', () => {
    expect(() => collectSeries([r('inv-9', 'ac_power_w', 'W')], ids)).toThrow('device "inv-9" was not resolved');
  });
});
