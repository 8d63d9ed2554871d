import { afterEach, describe, expect, it } from 'vitest';
import { DecodeError } from '../../errors.js';
import { ModbusTcpConnection } from '../../device/modbus-tcp.js';
import { captureLog } from '../../testing/capture-log.js';
import { startModbusServer } from '../../testing/modbus-server.js';
import { buildImage, encodeModel } from '../../testing/sunspec-image.js';
import { createModelLibrary } from './definition.js';
import { createSunSpecSession } from './session.js';

const library = createModelLibrary();
const def = (id: number) => library.get(id)!;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const common = encodeModel(def(1), { Mn: 'SolarHub Sim', Md: 'SH-3P-10K', SN: 'SN-0042', Vr: '2.1.0', DA: 1 });
const inverter = encodeModel(def(103), {
  A: 1234, AphA: 411, AphB: 412, AphC: 411, A_SF: -2,
  PhVphA: 2301, PhVphB: 2299, PhVphC: 2310, V_SF: -1,
  W: 4200, W_SF: 0, Hz: 5002, Hz_SF: -2, PF: 995, PF_SF: -1,
  WH: 1234567, WH_SF: 0, DCV: 6123, DCV_SF: -1, TmpCab: 415, Tmp_SF: -1, St: 4,
});
/** A model with no bundled definition: skipped by its length. */
const unknown = [64999, 3, 1, 2, 3];

async function session(registers: Map<number, number>, baseAddress?: number) {
  const server = await startModbusServer(registers);
  cleanups.push(() => server.close());
  const connection = new ModbusTcpConnection({ host: '127.0.0.1', port: server.port, unitId: 1, timeoutMs: 1000, log: captureLog().log });
  cleanups.push(() => connection.close());
  const s = createSunSpecSession({ read: (a, c) => connection.readHoldingRegisters(a, c), library, log: captureLog().log, baseAddress });
  return { server, session: s };
}

describe('SunSpec over a real Modbus TCP server', () => {
  it('discovers the chain, identifies the device and decodes with scale factors', async () => {
    const { session: s } = await session(buildImage([common, unknown, inverter]));
    const result = await s.poll();
    expect(s.map).toEqual({
      base: 40000,
      models: [
        { id: 1, start: 40002, length: 66 },
        { id: 64999, start: 40070, length: 3 },
        { id: 103, start: 40075, length: 50 },
      ],
    });
    expect(result.identity).toEqual({ manufacturer: 'SolarHub Sim', model: 'SH-3P-10K', serialNumber: 'SN-0042', firmwareVersion: '2.1.0' });
    expect(result.errors).toEqual([]);
    expect(result.blocks).toHaveLength(1);
    const values = Object.fromEntries(result.blocks[0]!.values.map((v) => [v.metric, v.value]));
    expect(values).toMatchObject({
      ac_current_a: 12.34,
      ac_current_l2_a: 4.12,
      ac_voltage_l1_n_v: 230.1,
      ac_power_w: 4200,
      grid_frequency_hz: 50.02,
      power_factor: 0.995,
      ac_energy_wh: 1234567,
      dc_voltage_v: 612.3,
      cabinet_temperature_c: 41.5,
      operating_state: 4,
    });
    expect(values).not.toHaveProperty('ac_voltage_l1_l2_v');
  });

  it.each<[string, Map<number, number>]>([
    ['base 0, chain ended by a Modbus exception', (() => { const m = buildImage([common, inverter], 0); m.delete(2 + common.length + inverter.length); m.delete(3 + common.length + inverter.length); return m; })()],
    ['base 50000, chain ended by 0x0000', (() => { const m = buildImage([common, inverter], 50000); m.set(50002 + common.length + inverter.length, 0); return m; })()],
  ])('finds %s', async (_name, registers) => {
    const { session: s } = await session(registers);
    const result = await s.poll();
    expect(s.map!.models.map((m) => m.id)).toEqual([1, 103]);
    expect(result.blocks[0]!.values.find((v) => v.metric === 'ac_power_w')?.value).toBe(4200);
  });

  it('says clearly when there is no SunSpec device', async () => {
    const { session: s } = await session(new Map([[40000, 1], [40001, 2]]));
    await expect(s.poll()).rejects.toBeInstanceOf(DecodeError);
  });

  it('reads a model longer than 125 registers in requests of at most 125, whole points only', async () => {
    const modules: Record<string, number> = { DCA_SF: -2, DCV_SF: -1, DCW_SF: 0, DCWH_SF: 0, N: 10 };
    for (let i = 1; i <= 10; i++) Object.assign(modules, { [`module.${i}.DCA`]: 800 + i, [`module.${i}.DCWH`]: 70_000 + i });
    const { server, session: s } = await session(buildImage([common, encodeModel(def(160), modules, 8 + 10 * 20)]), 40000);
    const result = await s.poll();
    const blockReads = server.requests.filter((r) => r.address >= 40070);
    expect(blockReads.every((r) => r.count <= 125)).toBe(true);
    const values = Object.fromEntries(result.blocks[0]!.values.map((v) => [v.metric, v.value]));
    expect(values.mppt10_dc_current_a).toBe(8.1);
    expect(values.mppt7_dc_energy_wh).toBe(70_007);
  });

  it('gives no value rather than mixing a scale factor from one request with values from another', async () => {
    const modules: Record<string, number> = { DCA_SF: -2, DCV_SF: -1, DCW_SF: 0, DCWH_SF: 0, N: 10 };
    for (let i = 1; i <= 10; i++) Object.assign(modules, { [`module.${i}.DCA`]: 800 + i, [`module.${i}.DCWH`]: 5 });
    const { server, session: s } = await session(buildImage([common, encodeModel(def(160), modules, 8 + 10 * 20)]), 40000);
    const dcaSf = 40070 + 2;
    // "Dawn": the scale factor changes after the first request of the block was answered.
    server.beforeAnswer = (address, count) => {
      if (address === 40070 + 124 && count > 2) server.registers.set(dcaSf, 0xfffd);
    };
    const result = await s.poll();
    const metrics = result.blocks[0]!.values.map((v) => v.metric);
    expect(server.requests.some((r) => r.address === dcaSf && r.count === 4)).toBe(true);
    expect(metrics.filter((m) => m.endsWith('_dc_current_a'))).toEqual([]);
    // Values whose scale factor did not change are still there.
    expect(metrics).toContain('mppt10_dc_energy_wh');

    // Next poll: the new scale factor applies to every value of the block.
    server.beforeAnswer = undefined;
    const next = await s.poll();
    const dca = next.blocks[0]!.values.filter((v) => v.metric.endsWith('_dc_current_a')).map((v) => v.value);
    expect(dca).toEqual(Array.from({ length: 10 }, (_, i) => (801 + i) / 1000));
  });
});

describe('SunSpec discovery, off-by-one maps', () => {
  it("finds 'SunS' at 40001 (a map laid out from holding register 40001)", async () => {
    const { session: s } = await session(buildImage([common, inverter], 40001));
    const result = await s.poll();
    expect(s.map!.base).toBe(40001);
    expect(result.blocks[0]!.values.find((v) => v.metric === 'ac_power_w')?.value).toBe(4200);
  });
});
