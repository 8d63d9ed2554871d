import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ModbusBus } from '../../gateway/src/device/modbus-bus.js';
import { ModbusUnit } from '../../gateway/src/device/modbus-unit.js';
import { loadProfile } from '../../gateway/src/decoder/registers/profile.js';
import { createRegisterMapSource } from '../../gateway/src/decoder/registers/source.js';
import type { Table } from '../../gateway/src/decoder/registers/planner.js';
import { routeRequest, startModbusTcpServer } from '../../scripts/src/simulator/index.js';
import { SDM630_DEFAULTS, SDM630_REGISTERS, Sdm630Image } from '../../scripts/src/simulator/sdm630-image.js';

const log = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function meter(image: Sdm630Image) {
  const server = await startModbusTcpServer({ port: 0, handle: (unit, pdu) => routeRequest(new Map([[1, image]]), unit, pdu, 'gateway-exception') });
  cleanups.push(() => server.close());
  const bus = new ModbusBus({ link: { kind: 'tcp', host: '127.0.0.1', port: server.port }, log });
  cleanups.push(() => bus.close());
  const unit = new ModbusUnit({ bus, unitId: 1, timeoutMs: 1000, retries: 0 });
  const requests: Array<[Table, number, number]> = [];
  const source = createRegisterMapSource({
    read: (table, address, count) => {
      requests.push([table, address, count]);
      return unit.read(table, address, count);
    },
    profile: loadProfile('eastron_sdm630'),
    log,
  });
  return { source, requests };
}

const valuesOf = (outcome: Awaited<ReturnType<ReturnType<typeof createRegisterMapSource>['poll']>>) =>
  Object.fromEntries(outcome.blocks.flatMap((b) => b.values.map((v) => [v.metric, v.value])));

describe('Eastron SDM630 profile against a simulated meter over Modbus TCP', () => {
  it('reads every point in 4 requests (31 points) with the right values and units', async () => {
    const { source, requests } = await meter(new Sdm630Image());
    const outcome = await source.poll();
    expect(requests).toEqual([
      ['input', 0, 0x4c],
      ['input', 0xc8, 6],
      ['input', 0xe0, 2],
      ['input', 0x156, 2],
    ]);
    const values = valuesOf(outcome);
    expect(values.ac_voltage_l1_n_v).toBeCloseTo(SDM630_DEFAULTS.voltage_l1_n, 4);
    expect(values.ac_power_w).toBe(3050);
    expect(values.ac_reactive_power_var).toBe(-420);
    expect(values.energy_imported_wh).toBe(1_234_500);
    expect(values.energy_exported_wh).toBe(567_250);
    expect(values.ac_voltage_l3_l1_v).toBeCloseTo(400.2, 3);
    expect(values['vendor.eastron_sdm630.neutral_current']).toBe(1.25);
    expect(outcome.blocks.flatMap((b) => b.values).find((v) => v.metric === 'energy_imported_wh')).toMatchObject({ unit: 'Wh', point: 'vendor.eastron_sdm630.import_energy' });
    expect(outcome.identity).toEqual({ manufacturer: 'Eastron', model: 'SDM630-Modbus' });
    expect(outcome.errors).toEqual([]);
  });

  it('splits a merged read refused with "illegal data address" until the bad register is isolated, and keeps reading the rest', async () => {
    // The meter refuses the total power register (a firmware that lacks it).
    const { source, requests } = await meter(new Sdm630Image({}, [SDM630_REGISTERS.total_power]));
    const first = await source.poll();
    const values = valuesOf(first);
    expect(values).not.toHaveProperty('ac_power_w');
    expect(values.ac_voltage_l1_n_v).toBeCloseTo(230.1, 4);
    expect(values.grid_frequency_hz).toBeCloseTo(50.01, 4);
    expect(values.energy_exported_wh).toBe(567_250);
    expect([...source.unreadable]).toEqual(['total_power']);
    expect(first.errors.map((e) => (e as { code?: string }).code)).toEqual(['MODBUS_EXCEPTION']);
    // log2(21 points in the first read) splits: bounded, not one request per point.
    expect(requests.length).toBeLessThan(16);
    // Next poll: planned around the bad register, no exception, no splitting.
    requests.length = 0;
    const second = await source.poll();
    expect(second.errors).toEqual([]);
    expect(requests.length).toBe(5);
    expect(valuesOf(second).ac_current_a).toBe(13.5);
  });

  it('gives no value for NaN (a meter that has not measured yet)', async () => {
    const { source } = await meter(new Sdm630Image({ frequency: Number.NaN }));
    const values = valuesOf(await source.poll());
    expect(values).not.toHaveProperty('grid_frequency_hz');
    expect(values.ac_power_w).toBe(3050);
  });
});
