import { createServer, type AddressInfo } from 'node:net';
import ModbusSerial, { type FCallbackVal } from 'modbus-serial';

/**
 * Test support: a real Modbus TCP server (modbus-serial's ServerTCP) on
 * 127.0.0.1 and a free port, serving holding registers from a map.
 * Addresses not in the map answer exception 2 (illegal data address).
 */
export interface ModbusTestServer {
  port: number;
  registers: Map<number, number>;
  /** Requests served (address, count), for checking request sizes. */
  requests: Array<{ address: number; count: number }>;
  /** While true the server swallows requests without answering. */
  silent: boolean;
  /** Answer after this many ms. */
  delayMs: number;
  /** Called before each request is answered (tests change registers "between" requests with it). */
  beforeAnswer: ((address: number, count: number) => void) | undefined;
  /** Most requests that were waiting for an answer at the same time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  // ServerTCP turns port 0 into 502, so find a free port first.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}


/** ServerTCP answers an error with `modbusErrorCode` as that Modbus exception. */
function illegalAddress(): Error {
  return Object.assign(new Error('illegal data address'), { modbusErrorCode: 2 });
}

export async function startModbusServer(registers: Map<number, number>): Promise<ModbusTestServer> {
  const port = await freePort();
  const requests: ModbusTestServer['requests'] = [];
  const state = { silent: false, delayMs: 0, inFlight: 0, maxInFlight: 0 };
  const answer = (fn: () => void) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    setTimeout(() => {
      state.inFlight--;
      fn();
    }, state.delayMs);
  };
  const read = (address: number, count: number): number[] | undefined => {
    const out: number[] = [];
    for (let a = address; a < address + count; a++) {
      const value = registers.get(a);
      if (value === undefined) return undefined;
      out.push(value);
    }
    return out;
  };
  const vector = {
    getMultipleHoldingRegisters(address: number, count: number, _unit: number, cb: FCallbackVal<number[]>) {
      requests.push({ address, count });
      if (state.silent) return;
      handle.beforeAnswer?.(address, count);
      answer(() => {
        const values = read(address, count);
        if (values) cb(null, values);
        else cb(illegalAddress(), []);
      });
    },
    getHoldingRegister(address: number, _unit: number, cb: FCallbackVal<number>) {
      requests.push({ address, count: 1 });
      if (state.silent) return;
      handle.beforeAnswer?.(address, 1);
      answer(() => {
        const values = read(address, 1);
        if (values) cb(null, values[0]!);
        else cb(illegalAddress(), 0);
      });
    },
  };
  const server = new ModbusSerial.ServerTCP(vector, { host: '127.0.0.1', port, unitID: 255 });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError', reject);
  });
  server.on('socketError', () => undefined);
  const handle: ModbusTestServer = {
    port,
    registers,
    requests,
    beforeAnswer: undefined,
    get silent() {
      return state.silent;
    },
    set silent(value: boolean) {
      state.silent = value;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.socks.keys()) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return handle;
}
