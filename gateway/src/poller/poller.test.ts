import { describe, expect, it } from 'vitest';
import { DeviceTimeoutError, ModbusExceptionError } from '../errors.js';
import { captureLog } from '../testing/capture-log.js';
import { DevicePoller, EARLIEST_PLAUSIBLE_TS, qualityAt, toReadings, type DeviceSource, type PollOutcome, type PolledReading } from './device-poller.js';
import { HealthRegistry } from './health.js';

describe('qualityAt', () => {
  it.each<[number, string]>([
    [0, 'clock_unsynced'],
    [EARLIEST_PLAUSIBLE_TS - 1, 'clock_unsynced'],
    [EARLIEST_PLAUSIBLE_TS, 'good'],
    [Date.UTC(2030, 0, 1), 'good'],
  ])('%d -> %s', (ts, quality) => {
    expect(qualityAt(ts)).toBe(quality);
  });
});

describe('toReadings', () => {
  it('stamps device, boot, time and monotonic clock of each block', () => {
    const ts = Date.UTC(2026, 0, 1);
    expect(toReadings('inv', 'boot-1', [{ ts, mono: 5, values: [{ metric: 'ac_power_w', value: 1, unit: 'W', point: 'sunspec.103.W' }] }])).toEqual([
      { device: 'inv', metric: 'ac_power_w', ts, value: 1, unit: 'W', quality: 'good', point: 'sunspec.103.W', boot: 'boot-1', mono: 5 },
    ]);
  });
});

/** A scripted source: each poll takes the next outcome (an Error is thrown). */
function scripted(outcomes: Array<PollOutcome | Error>): DeviceSource & { resets: number } {
  const source = {
    resets: 0,
    async poll() {
      const next = outcomes.shift();
      if (!next) throw new Error('script ended');
      if (next instanceof Error) throw next;
      return next;
    },
    reset() {
      source.resets++;
    },
  };
  return source;
}

const ok = (ts: number): PollOutcome => ({ identity: { manufacturer: 'M' }, blocks: [{ ts, mono: 1, values: [{ metric: 'ac_power_w', value: ts, unit: 'W' }] }], errors: [] });
const timeout = () => new DeviceTimeoutError('no answer within 100 ms');
const exception = () => new ModbusExceptionError(2, 'Modbus exception 2');

describe('DevicePoller + HealthRegistry', () => {
  it.each<[string, Array<PollOutcome | Error>, string[], string[]]>([
    ['online', [ok(1), ok(2)], ['online', 'online'], ['device online']],
    ['offline after timeouts, logged once', [ok(1), timeout(), timeout(), timeout()], ['online', 'offline', 'offline', 'offline'], ['device online', 'device offline']],
    ['error on a Modbus exception', [exception(), exception()], ['error', 'error'], ['device error']],
    ['recovery is logged', [timeout(), ok(5)], ['offline', 'online'], ['device offline', 'device online']],
    ['partial poll: data kept, status error', [{ ...ok(3), errors: [exception()] }], ['error'], ['device error']],
    ['gateway path exception 0x0B counts as offline', [new ModbusExceptionError(0x0b, 'target failed')], ['offline'], ['device offline']],
  ])('%s', async (_name, outcomes, statuses, messages) => {
    const { log, lines } = captureLog();
    const health = new HealthRegistry([{ id: 'inv', type: 'inverter', protocol: 'modbus_tcp' }], log);
    const stored: PolledReading[][] = [];
    const source = scripted([...outcomes]);
    const poller = new DevicePoller({ deviceId: 'inv', intervalMs: 1000, source, sink: (r) => stored.push(r), health, bootId: 'b', log });
    const seen: string[] = [];
    for (let i = 0; i < statuses.length; i++) {
      await poller.pollOnce();
      seen.push(health.get('inv')!.status!);
    }
    expect(seen).toEqual(statuses);
    expect(lines.filter((l) => String(l.msg).startsWith('device ')).map((l) => l.msg)).toEqual(messages);
    expect(stored.length).toBe(outcomes.filter((o) => !(o instanceof Error)).length);
    expect(source.resets).toBe(outcomes.filter((o) => o instanceof Error).length);
  });

  it('keeps identity, lastSeen and lastError in the device report', async () => {
    const { log } = captureLog();
    const health = new HealthRegistry([{ id: 'inv', type: 'inverter', protocol: 'modbus_tcp' }], log);
    const poller = new DevicePoller({ deviceId: 'inv', intervalMs: 1000, source: scripted([ok(42), timeout()]), sink: () => undefined, health, bootId: 'b', log });
    await poller.pollOnce();
    await poller.pollOnce();
    expect(health.reports()).toEqual([
      { device: 'inv', type: 'inverter', protocol: 'modbus_tcp', manufacturer: 'M', status: 'offline', lastSeen: 42, lastError: 'no answer within 100 ms' },
    ]);
  });

  it('does not crash when storing fails', async () => {
    const { log, lines } = captureLog();
    const health = new HealthRegistry([], log);
    const poller = new DevicePoller({ deviceId: 'inv', intervalMs: 1000, source: scripted([ok(1)]), sink: () => { throw new Error('disk full'); }, health, bootId: 'b', log });
    await poller.pollOnce();
    expect(lines.some((l) => l.msg === 'cannot store readings: this poll is lost')).toBe(true);
  });
});
