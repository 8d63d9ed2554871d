import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { DeviceReport } from '@solarhub/shared';
import { createModelLibrary, createSunSpecSession } from '../../gateway/src/index.js';
import { ModbusBus } from '../../gateway/src/device/modbus-bus.js';
import { ModbusUnit } from '../../gateway/src/device/modbus-unit.js';
import { DevicePoller } from '../../gateway/src/poller/device-poller.js';
import { HealthRegistry } from '../../gateway/src/poller/health.js';
import { DeviceTimeoutError, FrameError, ModbusExceptionError } from '../../gateway/src/errors.js';
import { createSimulatedSite, parseSiteSimulatorOptions, routeRequest, type SimulatedSite } from '../../scripts/src/simulator/index.js';
import { startModbusRtuServer, type ModbusRtuServer } from '../../scripts/src/simulator/modbus-rtu-server.js';
import { startPtyPair, type PtyPair } from '../../scripts/src/testing/socat.js';

/**
 * An RS-485 bus made of a socat pty pair: the simulator serves three units
 * (two inverters and a meter) on one end, the gateway polls them on the other.
 */
const log = pino({ level: 'silent' });
let pty: PtyPair;
let site: SimulatedSite;
let server: ModbusRtuServer;

beforeAll(async () => {
  pty = await startPtyPair();
  site = createSimulatedSite(parseSiteSimulatorOptions({ inverterUnitId: 1, meterUnitId: 2 }));
  // Unit 3: a second inverter with the same image.
  const units = new Map(site.units);
  units.set(3, site.units.get(1)!);
  server = await startModbusRtuServer({ path: pty.devicePath, baudRate: 115200, handle: (unit, pdu) => routeRequest(units, unit, pdu, 'no-reply') });
});

afterAll(async () => {
  await server?.close();
  site?.stop();
  await pty?.close();
});

function rtuBus(): ModbusBus {
  return new ModbusBus({ link: { kind: 'rtu', path: pty.masterPath, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }, log, recoverySilenceMs: 30 });
}

describe('RTU bus over a socat pty', () => {
  it('reads each unit and maps exceptions, busy, CRC errors and short frames per unit', async () => {
    const bus = rtuBus();
    try {
      const unit1 = new ModbusUnit({ bus, unitId: 1, timeoutMs: 300, retries: 0 });
      expect(await unit1.readHoldingRegisters(40000, 2)).toEqual([0x5375, 0x6e53]);
      expect(await unit1.read('input', 40002, 2)).toEqual([1, 66]);
      await expect(unit1.readHoldingRegisters(1, 2)).rejects.toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 2 });
      server.faults.unit(1).corrupt = 1;
      await expect(unit1.readHoldingRegisters(40000, 2)).rejects.toBeInstanceOf(FrameError);
      server.faults.unit(1).truncate = 1;
      await expect(unit1.readHoldingRegisters(40000, 4)).rejects.toBeInstanceOf(DeviceTimeoutError);
      // After each broken exchange the bus is quiet and clean: the next answer is the right one.
      expect(await unit1.readHoldingRegisters(40002, 2)).toEqual([1, 66]);
      server.faults.unit(2).busy = 1;
      const retrying = new ModbusUnit({ bus, unitId: 2, timeoutMs: 300, retries: 1, busyRetryDelayMs: 20 });
      expect(await retrying.readHoldingRegisters(40000, 2)).toEqual([0x5375, 0x6e53]);
      server.faults.unit(2).busy = 2;
      const err = await retrying.readHoldingRegisters(40000, 2).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModbusExceptionError);
      expect((err as ModbusExceptionError).exceptionCode).toBe(6);
      expect(bus.stats.frameErrors).toBe(1);
    } finally {
      await bus.close();
    }
  });

  it('keeps the poll interval of the live units while one unit on the bus stops answering', async () => {
    const bus = rtuBus();
    const library = createModelLibrary();
    const health = new HealthRegistry(
      [1, 2, 3].map((u) => ({ id: `unit-${u}`, type: 'inverter' as const, protocol: 'modbus_rtu' as const })),
      log,
    );
    const polls = new Map<string, number[]>();
    const intervalMs = 400;
    const pollers = [1, 2, 3].map((unitId) => {
      const unit = new ModbusUnit({ bus, unitId, timeoutMs: 150, retries: 1 });
      const id = `unit-${unitId}`;
      polls.set(id, []);
      return new DevicePoller({
        deviceId: id,
        intervalMs,
        maxBackoffMs: 3200,
        source: createSunSpecSession({ read: (a, c) => unit.readHoldingRegisters(a, c), library, log }),
        sink: () => polls.get(id)!.push(performance.now()),
        health,
        bootId: 'test',
        log,
      });
    });
    try {
      for (const p of pollers) p.start();
      // Wait until every unit has been read once, then kill unit 3.
      await until(() => [...polls.values()].every((t) => t.length >= 1), 5000, 'every unit read', () => health.reports());
      server.faults.unit(3).silent = true;
      const killedAt = performance.now();
      await until(() => health.get('unit-3')?.status === 'offline', 5000, 'unit 3 offline', () => health.reports());
      const windowMs = 4000;
      await new Promise((resolve) => setTimeout(resolve, windowMs - (performance.now() - killedAt)));
      const since = (id: string) => polls.get(id)!.filter((t) => t >= killedAt);
      for (const id of ['unit-1', 'unit-2']) {
        const times = since(id);
        // At a 400 ms interval, 4 s hold 10 polls; allow one slot lost to start-up jitter.
        expect(times.length, id).toBeGreaterThanOrEqual(windowMs / intervalMs - 1);
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        // A poll may wait behind one timeout + retry of the dead unit (2 x 150 ms), never more.
        expect(Math.max(...gaps), id).toBeLessThan(intervalMs + 2 * 150 + 100);
        expect(health.get(id)?.status).toBe('online');
      }
      const dead: DeviceReport = health.get('unit-3')!;
      expect(dead.status).toBe('offline');
      expect(dead.lastError).toMatch(/unit 3 gave no answer within 150 ms/);
      // Backoff: without it the dead unit would cost 2 timeouts (request + retry) per 400 ms interval, 20 in 4 s.
      expect(bus.stats.timeouts).toBeLessThanOrEqual(12);
      // It comes back: after its next (backed-off) poll it is online again.
      server.faults.unit(3).silent = false;
      await until(() => health.get('unit-3')?.status === 'online', 8000, 'unit 3 back', () => health.reports());
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
      await bus.close();
      server.faults.unit(3).silent = false;
    }
  }, 25_000);
});

async function until(condition: () => boolean, timeoutMs: number, what = 'condition', state?: () => unknown): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms: ${JSON.stringify(state?.())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
