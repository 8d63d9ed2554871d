import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import ModbusSerial from 'modbus-serial';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorConfigError, startSiteSimulator, type SiteSimulator } from './index.js';

// modbus-serial is CommonJS: module.exports is the client class and `.default` points back at it.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;

const execFileAsync = promisify(execFile);

/** A settable clock: noon (UTC) on the summer solstice to start with. */
let clock = new Date('2025-06-21T12:00:00Z');
const now = (): Date => clock;

async function client(port: number, unitId: number): Promise<ModbusRTU> {
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port });
  c.setID(unitId);
  c.setTimeout(1000);
  return c;
}

async function readRegs(c: ModbusRTU, address: number, count: number): Promise<number[]> {
  return (await c.readHoldingRegisters(address, count)).data;
}

/** Walks the SunSpec chain the way a gateway does: 'SunS', then (ID, L) pairs until 0xFFFF. */
async function modelChain(c: ModbusRTU): Promise<{ id: number; length: number; address: number }[]> {
  expect(await readRegs(c, 40000, 2)).toEqual([0x5375, 0x6e53]);
  const chain: { id: number; length: number; address: number }[] = [];
  let address = 40002;
  for (let guard = 0; guard < 10; guard++) {
    const [id, length] = await readRegs(c, address, 2);
    chain.push({ id: id!, length: length!, address });
    if (id === 0xffff) break;
    address += 2 + length!;
  }
  return chain;
}

const s16 = (r: number): number => (r >= 0x8000 ? r - 0x10000 : r);
const scaled = (raw: number, sf: number): number => (sf < 0 ? raw / 10 ** -sf : raw * 10 ** sf);
const modbusCode = (err: unknown): unknown => (err as { modbusCode?: unknown }).modbusCode;

describe('site simulator over Modbus TCP', () => {
  let sim: SiteSimulator;
  const clients: ModbusRTU[] = [];
  const open = async (unitId: number): Promise<ModbusRTU> => {
    const c = await client(sim.port, unitId);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSiteSimulator({ port: 0, now, utcOffsetMinutes: 0, updateIntervalMs: 60_000 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => new Promise<void>((r) => c.close(() => r()))));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('listens on a free port on loopback', () => {
    expect(sim.host).toBe('127.0.0.1');
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.port).not.toBe(502);
  });

  it("unit 1 chains 'SunS' -> 1 -> 103 -> end", async () => {
    const c = await open(1);
    expect(await modelChain(c)).toEqual([
      { id: 1, length: 66, address: 40002 },
      { id: 103, length: 50, address: 40070 },
      { id: 0xffff, length: 0, address: 40122 },
    ]);
  });

  it("unit 2 chains 'SunS' -> 1 -> 203 -> end", async () => {
    const c = await open(2);
    expect(await modelChain(c)).toEqual([
      { id: 1, length: 66, address: 40002 },
      { id: 203, length: 105, address: 40070 },
      { id: 0xffff, length: 0, address: 40177 },
    ]);
  });

  it('model 1 carries the manufacturer and the device address', async () => {
    const c = await open(2);
    const regs = await readRegs(c, 40004, 66);
    const text = (from: number, n: number): string =>
      Buffer.from(regs.slice(from, from + n).flatMap((r) => [r >> 8, r & 0xff])).toString('latin1').replace(/\0+$/, '');
    expect(text(0, 16)).toBe('SolarHub');
    expect(text(16, 16)).toBe('SIM-METER-3P');
    expect(regs[64]).toBe(2); // DA
  });

  it('decoded values over the wire match snapshot(): inverter at noon', async () => {
    const c = await open(1);
    const m = await readRegs(c, 40070, 52); // the whole model in one read, scale factors included
    const w = scaled(s16(m[14]!), s16(m[15]!));
    const wh = scaled(m[24]! * 0x10000 + m[25]!, s16(m[26]!));
    const snap = sim.snapshot();
    expect(w).toBe(snap.inverter.acPowerW);
    expect(wh).toBe(snap.inverter.acEnergyWh);
    expect(snap.inverter.acPowerW).toBe(10_000);
    expect(s16(m[15]!)).not.toBe(0); // W_SF
    expect(m[38]).toBe(4); // St = MPPT
    expect(scaled(m[16]!, s16(m[17]!))).toBeCloseTo(50, 1); // Hz
  });

  it('decoded values over the wire match snapshot(): meter exporting at noon', async () => {
    const c = await open(2);
    const m = await readRegs(c, 40070, 107);
    const w = scaled(s16(m[18]!), s16(m[22]!));
    const sf = s16(m[54]!);
    const exp = scaled(m[38]! * 0x10000 + m[39]!, sf);
    const imp = scaled(m[46]! * 0x10000 + m[47]!, sf);
    const snap = sim.snapshot();
    expect(w).toBe(snap.meter.acPowerW);
    expect(w).toBeLessThan(0); // export: SunSpec meters count import positive
    expect(exp).toBe(snap.meter.exportedWh);
    expect(imp).toBe(snap.meter.importedWh);
  });

  it('function 4 mirrors function 3', async () => {
    const c = await open(1);
    expect((await c.readInputRegisters(40000, 10)).data).toEqual(await readRegs(c, 40000, 10));
  });

  it.each([
    ['below the map', 39999, 2],
    ['at address 0', 0, 4],
    ['past the end marker', 40124, 1],
    ['straddling the end', 40120, 6],
  ])('%s: exception 0x02 (illegal data address)', async (_, address, count) => {
    const c = await open(1);
    const err = await c.readHoldingRegisters(address, count).then(
      () => null,
      (e: unknown) => e,
    );
    expect(modbusCode(err)).toBe(0x02);
  });

  it('the meter map is longer: 40124 is inside it on unit 2', async () => {
    const c = await open(2);
    expect(await readRegs(c, 40124, 1)).toHaveLength(1);
    const err = await c.readHoldingRegisters(40179, 1).catch((e: unknown) => e);
    expect(modbusCode(err)).toBe(0x02);
  });

  it('an unknown unit id gets exception 0x0B (gateway target failed to respond)', async () => {
    const c = await open(9);
    const err = await c.readHoldingRegisters(40000, 2).catch((e: unknown) => e);
    expect(modbusCode(err)).toBe(0x0b);
  });

  it('refresh() follows the injected clock: night means sleeping and importing', async () => {
    const before = sim.snapshot();
    clock = new Date('2025-06-21T23:00:00Z');
    try {
      const snap = sim.refresh();
      expect(snap.inverter.acPowerW).toBe(0);
      expect(snap.meter.acPowerW).toBe(3000);
      // 11 hours later: the counters moved forward by what the sun and the load gave.
      expect(snap.inverter.acEnergyWh).toBeGreaterThan(before.inverter.acEnergyWh + 30_000);
      expect(snap.meter.importedWh).toBeGreaterThan(before.meter.importedWh);
      expect(snap.meter.exportedWh).toBeGreaterThan(before.meter.exportedWh);
      const c = await open(1);
      const m = await readRegs(c, 40070, 52);
      expect(m[38]).toBe(2); // St = SLEEPING
      expect(s16(m[14]!)).toBe(0);
    } finally {
      clock = new Date('2025-06-21T12:00:00Z');
    }
  });

  it('answers pipelined requests in order, under their own transaction ids', async () => {
    const sock = connect({ host: '127.0.0.1', port: sim.port });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const req = (tid: number, unit: number, address: number, count: number): Buffer =>
      Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 3, address >> 8, address & 0xff, count >> 8, count & 0xff]);
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    const all = Buffer.concat([req(0x0101, 1, 40000, 2), req(0x0202, 2, 40070, 2), req(0x0303, 5, 40000, 1)]);
    // Sent in awkward pieces, as TCP may deliver them.
    sock.write(all.subarray(0, 5));
    await new Promise((r) => setTimeout(r, 20));
    sock.write(all.subarray(5, 17));
    sock.write(all.subarray(17));
    const expected = 13 + 13 + 9;
    for (let i = 0; i < 100 && Buffer.concat(chunks).length < expected; i++) await new Promise((r) => setTimeout(r, 10));
    sock.destroy();
    const got = Buffer.concat(chunks);
    expect(got).toEqual(
      Buffer.from([
        ...[0x01, 0x01, 0, 0, 0, 7, 1, 3, 4, 0x53, 0x75, 0x6e, 0x53],
        ...[0x02, 0x02, 0, 0, 0, 7, 2, 3, 4, 0, 203, 0, 105],
        ...[0x03, 0x03, 0, 0, 0, 3, 5, 0x83, 0x0b],
      ]),
    );
  });

  it('drops a connection whose MBAP length is impossible, and keeps serving others', async () => {
    const sock = connect({ host: '127.0.0.1', port: sim.port });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write(Buffer.from([0, 1, 0, 0, 0xff, 0xff, 1, 3]));
    await closed;
    const c = await open(1);
    expect(await readRegs(c, 40000, 2)).toEqual([0x5375, 0x6e53]);
  });

  // mbpoll (Debian package) as an independent Modbus master. CI installs it, so there a missing
  // mbpoll fails loudly instead of skipping.
  it.runIf(existsSync('/usr/bin/mbpoll') || process.env.CI)("mbpoll reads 'SunS' and model 1's header", async () => {
    // mbpoll references are 1-based: -r 40001 is PDU address 40000.
    const { stdout } = await execFileAsync(
      'mbpoll',
      ['-m', 'tcp', '-a', '1', '-r', '40001', '-c', '4', '-t', '4:hex', '-1', '-o', '2', '-p', String(sim.port), '127.0.0.1'],
      { timeout: 15_000 },
    );
    const values = [...stdout.matchAll(/^\[(\d+)\]:\s+0x([0-9A-Fa-f]{4})/gm)].map((m) => [Number(m[1]), parseInt(m[2]!, 16)]);
    expect(values).toEqual([
      [40001, 0x5375],
      [40002, 0x6e53],
      [40003, 1],
      [40004, 66],
    ]);
  });

  it.runIf(existsSync('/usr/bin/mbpoll') || process.env.CI)('mbpoll sees the illegal data address exception', async () => {
    const err = await execFileAsync(
      'mbpoll',
      ['-m', 'tcp', '-a', '1', '-r', '1', '-c', '1', '-t', '4:hex', '-1', '-o', '2', '-p', String(sim.port), '127.0.0.1'],
      { timeout: 15_000 },
    ).then(
      () => null,
      (e: unknown) => e as { stderr?: string; code?: number },
    );
    expect(err?.code).not.toBe(0);
    expect(err?.stderr).toMatch(/Illegal data address/i);
  });
});

describe('site simulator options', () => {
  it('rejects bad options, listing every problem', async () => {
    const err = await startSiteSimulator({ port: -1, ratedPowerW: 0, inverterUnitId: 3, meterUnitId: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulatorConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/port/);
    expect(msg).toMatch(/ratedPowerW/);
  });

  it('fails to start on a port already in use', async () => {
    const a = await startSiteSimulator({ port: 0 });
    try {
      await expect(startSiteSimulator({ port: a.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await a.close();
    }
  });

  it("with unknownUnit 'no-reply', an unknown unit times out", async () => {
    const sim = await startSiteSimulator({ port: 0, unknownUnit: 'no-reply' });
    const c = await client(sim.port, 9);
    c.setTimeout(300);
    try {
      const err = await c.readHoldingRegisters(40000, 2).catch((e: unknown) => e);
      expect((err as { errno?: string }).errno).toBe('ETIMEDOUT');
    } finally {
      await new Promise<void>((r) => c.close(() => r()));
      await sim.close();
    }
  });

  it('honours other unit ids', async () => {
    const sim = await startSiteSimulator({ port: 0, inverterUnitId: 3, meterUnitId: 4 });
    const c = await client(sim.port, 4);
    try {
      expect(await readRegs(c, 40070, 2)).toEqual([203, 105]);
      expect(await readRegs(c, 40002 + 66, 1)).toEqual([4]); // DA
    } finally {
      await new Promise<void>((r) => c.close(() => r()));
      await sim.close();
    }
  });
});
