import { describe, expect, it } from 'vitest';
import { createLastValuesTracker } from './last-values.js';

const r = (device: string, metric: string, value: number, ts: number) => ({ device, metric, value, unit: 'W', ts });

describe('last values', () => {
  it.each([
    { name: 'keeps the newest per device and metric', input: [r('a', 'p', 1, 10), r('a', 'p', 2, 20), r('b', 'p', 3, 15)], a: 2, b: 3 },
    { name: 'an older late reading does not replace a newer one', input: [r('a', 'p', 2, 20), r('a', 'p', 1, 10), r('b', 'p', 3, 15)], a: 2, b: 3 },
    { name: 'an equal timestamp takes the later arrival', input: [r('a', 'p', 1, 20), r('a', 'p', 5, 20), r('b', 'p', 3, 15)], a: 5, b: 3 },
  ])('$name', ({ input, a, b }) => {
    const t = createLastValuesTracker();
    t.record(input);
    const snap = t.snapshot();
    expect(snap.a?.p?.value).toBe(a);
    expect(snap.b?.p?.value).toBe(b);
    expect(Object.keys(snap).sort()).toEqual(['a', 'b']);
  });
});
