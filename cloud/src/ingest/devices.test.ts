import { IngestBatch, packReadings, type IngestBatchInput, type ReadingInput } from '@solarhub/shared';
import { describe, expect, it } from 'vitest';
import { collectDeviceUpdates, type DeviceUpdate } from './devices.js';

const reading = (seq: number, device: string, ts: number, quality?: 'good' | 'clock_unsynced'): ReadingInput & { seq: number } => ({
  seq, device, metric: 'ac_power_w', ts, value: 1, unit: 'W', ...(quality ? { quality } : {}),
});

describe('collectDeviceUpdates', () => {
  it.each<[string, Partial<IngestBatchInput>, Record<string, DeviceUpdate>]>([
    ['nothing', {}, {}],
    ['newest good reading per device', packReadings([reading(1, 'a', 5), reading(2, 'a', 9), reading(3, 'b', 7)]), { a: { newestReadingTs: 9 }, b: { newestReadingTs: 7 } }],
    ['unsynced clocks do not move last seen', packReadings([reading(1, 'a', 5), reading(2, 'a', 99, 'clock_unsynced')]), { a: { newestReadingTs: 5 } }],
    ['only unsynced readings: no update', packReadings([reading(1, 'a', 99, 'clock_unsynced')]), {}],
    [
      'the last report of a device wins',
      { devices: [{ device: 'a', model: 'X' }, { device: 'a', model: 'Y' }] },
      { a: { report: { device: 'a', model: 'Y' } } },
    ],
  ])('%s', (_name, input, expected) => {
    const batch = IngestBatch.parse({ sentAt: 0, ...input });
    expect(Object.fromEntries(collectDeviceUpdates(batch))).toEqual(expected);
  });
});
