import type { Logger } from 'pino';
import { ModbusBus } from './modbus-bus.js';
import { ModbusUnit } from './modbus-unit.js';

export interface ModbusTcpOptions {
  host: string;
  port: number;
  unitId: number;
  /** Timeout of one request, and of connecting. */
  timeoutMs: number;
  /** Extra attempts after a timeout (default 0 here: callers decide). */
  retries?: number | undefined;
  log: Logger;
}

/**
 * One device over its own Modbus TCP connection: a bus with a single unit.
 * Requests go one at a time; every request has a timeout; after a timeout or
 * a connection failure the socket is dropped and the next request connects
 * again. Modbus exceptions keep the connection.
 */
export class ModbusTcpConnection {
  private readonly bus: ModbusBus;
  private readonly unit: ModbusUnit;

  constructor(options: ModbusTcpOptions) {
    this.bus = new ModbusBus({ link: { kind: 'tcp', host: options.host, port: options.port }, log: options.log, connectTimeoutMs: options.timeoutMs });
    this.unit = new ModbusUnit({ bus: this.bus, unitId: options.unitId, timeoutMs: options.timeoutMs, retries: options.retries ?? 0 });
  }

  /** Function code 3. Resolves with `count` register values. */
  readHoldingRegisters(address: number, count: number): Promise<number[]> {
    return this.unit.read('holding', address, count);
  }

  get connected(): boolean {
    return this.bus.connected;
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
