import { afterEach, describe, expect, it } from 'vitest';
import { DeviceConnectionError, DeviceTimeoutError, ModbusExceptionError } from '../errors.js';
import { captureLog } from '../testing/capture-log.js';
import { startModbusServer, type ModbusTestServer } from '../testing/modbus-server.js';
import { ModbusTcpConnection } from './modbus-tcp.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(timeoutMs = 300): Promise<{ server: ModbusTestServer; connection: ModbusTcpConnection }> {
  const server = await startModbusServer(new Map(Array.from({ length: 10 }, (_, i) => [100 + i, i * 11])));
  cleanups.push(() => server.close());
  const connection = new ModbusTcpConnection({ host: '127.0.0.1', port: server.port, unitId: 1, timeoutMs, log: captureLog().log });
  cleanups.push(() => connection.close());
  return { server, connection };
}

describe('ModbusTcpConnection against a real Modbus TCP server', () => {
  it('reads holding registers', async () => {
    const { connection } = await setup();
    expect(await connection.readHoldingRegisters(100, 3)).toEqual([0, 11, 22]);
    expect(await connection.readHoldingRegisters(109, 1)).toEqual([99]);
  });

  it('turns an exception into ModbusExceptionError and keeps the connection', async () => {
    const { connection } = await setup();
    const err = await connection.readHoldingRegisters(5000, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModbusExceptionError);
    expect(err).toMatchObject({ code: 'MODBUS_EXCEPTION', exceptionCode: 2 });
    expect(connection.connected).toBe(true);
    expect(await connection.readHoldingRegisters(101, 1)).toEqual([11]);
  });

  it('times out a request that gets no answer, then reconnects', async () => {
    const { server, connection } = await setup(200);
    await connection.readHoldingRegisters(100, 1);
    server.silent = true;
    const started = Date.now();
    const err = await connection.readHoldingRegisters(100, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    server.silent = false;
    expect(await connection.readHoldingRegisters(102, 2)).toEqual([22, 33]);
  });

  it('sends requests one at a time', async () => {
    const { server, connection } = await setup(2000);
    server.delayMs = 20;
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => connection.readHoldingRegisters(100 + i, 2)));
    expect(results).toEqual([0, 1, 2, 3, 4].map((i) => [i * 11, (i + 1) * 11]));
    expect(server.maxInFlight).toBe(1);
  });

  it('reports a refused connection as DeviceConnectionError', async () => {
    const { server } = await setup();
    const port = server.port;
    await server.close();
    const connection = new ModbusTcpConnection({ host: '127.0.0.1', port, unitId: 1, timeoutMs: 500, log: captureLog().log });
    cleanups.push(() => connection.close());
    const err = await connection.readHoldingRegisters(100, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceConnectionError);
    expect(err).toMatchObject({ code: 'DEVICE_CONNECTION', context: { host: '127.0.0.1', port } });
  });
});
