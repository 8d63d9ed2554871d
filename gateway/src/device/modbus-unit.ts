import { FrameError, DeviceTimeoutError, GATEWAY_PATH_EXCEPTIONS, ModbusExceptionError } from '../errors.js';
import type { ModbusBus, RegisterTable } from './modbus-bus.js';

export interface ModbusUnitOptions {
  bus: ModbusBus;
  unitId: number;
  /** Timeout of one request, ms. */
  timeoutMs: number;
  /** Extra attempts after a timeout, a broken reply, 0x06 (busy) or 0x0A/0x0B. Default 1. */
  retries?: number | undefined;
  /** Wait before asking a busy (0x06) unit again, ms. Default 200. */
  busyRetryDelayMs?: number | undefined;
}

/** Modbus exception 0x06: the device is busy with a long command; ask again later. */
export const SERVER_DEVICE_BUSY = 0x06;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True for failures worth one more try: the unit may answer the same request next time. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof DeviceTimeoutError || err instanceof FrameError) return true;
  return err instanceof ModbusExceptionError && (err.exceptionCode === SERVER_DEVICE_BUSY || GATEWAY_PATH_EXCEPTIONS.includes(err.exceptionCode));
}

/**
 * One device (unit id) on a bus. Each retry queues again at the end of the
 * bus queue, so a unit that does not answer costs the others at most one
 * timeout at a time. Exception 0x02 (illegal address) is never retried: it
 * is a configuration error, and the register-map reader isolates it.
 */
export class ModbusUnit {
  readonly unitId: number;

  constructor(private readonly options: ModbusUnitOptions) {
    this.unitId = options.unitId;
  }

  get bus(): ModbusBus {
    return this.options.bus;
  }

  async read(table: RegisterTable, address: number, count: number): Promise<number[]> {
    const { bus, unitId, timeoutMs } = this.options;
    const retries = this.options.retries ?? 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await bus.read({ unitId, table, address, count, timeoutMs });
      } catch (err) {
        if (attempt >= retries || !isRetryable(err)) throw err;
        if (err instanceof ModbusExceptionError && err.exceptionCode === SERVER_DEVICE_BUSY) await sleep(this.options.busyRetryDelayMs ?? 200);
      }
    }
  }

  readHoldingRegisters(address: number, count: number): Promise<number[]> {
    return this.read('holding', address, count);
  }
}
