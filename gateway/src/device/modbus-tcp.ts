import ModbusSerial from 'modbus-serial';
import type { Logger } from 'pino';
import { DeviceConnectionError, DeviceTimeoutError, errorMessage, ModbusExceptionError } from '../errors.js';
import { SerialQueue } from './serial-queue.js';

export interface ModbusTcpOptions {
  host: string;
  port: number;
  unitId: number;
  /** Timeout of one request, and of connecting. */
  timeoutMs: number;
  log: Logger;
}

// modbus-serial is CommonJS: its module.exports is the client class, and `.default` points back at it.
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

/**
 * One Modbus TCP connection. Requests go one at a time through a queue;
 * every request has a timeout (modbus-serial has none by default); after a
 * timeout or a connection failure the socket is dropped and the next request
 * connects again. Modbus exceptions keep the connection.
 */
export class ModbusTcpConnection {
  private client: Client | undefined;
  private readonly queue = new SerialQueue();
  private closed = false;
  private readonly context: { host: string; port: number; unitId: number };

  constructor(private readonly options: ModbusTcpOptions) {
    this.context = { host: options.host, port: options.port, unitId: options.unitId };
  }

  /** Function code 3. Resolves with `count` register values. */
  readHoldingRegisters(address: number, count: number): Promise<number[]> {
    return this.queue.run(() => this.read(address, count));
  }

  get connected(): boolean {
    return this.client?.isOpen === true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
    // Let queued requests fail fast and settle.
    await this.queue.run(async () => undefined);
  }

  private async read(address: number, count: number): Promise<number[]> {
    const client = await this.connect();
    client.setID(this.options.unitId);
    try {
      const result = await client.readHoldingRegisters(address, count);
      return Array.from(result.data);
    } catch (err) {
      throw this.classify(err, { address, count });
    }
  }

  private classify(err: unknown, request: Record<string, unknown>): Error {
    const context = { ...this.context, ...request };
    const e = err as { modbusCode?: unknown; errno?: unknown; message?: unknown };
    if (typeof e.modbusCode === 'number') {
      return new ModbusExceptionError(e.modbusCode, `Modbus exception ${e.modbusCode} reading ${String(request.count)} registers at ${String(request.address)}`, context);
    }
    this.drop();
    if (e.errno === 'ETIMEDOUT') {
      return new DeviceTimeoutError(`no answer within ${this.options.timeoutMs} ms`, context, { cause: err });
    }
    return new DeviceConnectionError(`connection to ${this.options.host}:${this.options.port} failed: ${errorMessage(err)}`, context, { cause: err });
  }

  private async connect(): Promise<Client> {
    if (this.closed) throw new DeviceConnectionError('connection closed', this.context);
    if (this.client?.isOpen) return this.client;
    this.drop();
    const client = new ModbusRTU();
    client.setTimeout(this.options.timeoutMs);
    // An 'error' event without a listener would crash the process: one bad device must not.
    client.on('error', (err: unknown) => this.options.log.debug({ ...this.context, err }, 'Modbus TCP socket error'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeviceTimeoutError(`connecting took longer than ${this.options.timeoutMs} ms`, this.context)),
        this.options.timeoutMs,
      );
    });
    try {
      await Promise.race([client.connectTCP(this.options.host, { port: this.options.port }), timeout]);
    } catch (err) {
      destroy(client);
      if (err instanceof DeviceTimeoutError) throw err;
      throw new DeviceConnectionError(`cannot connect to ${this.options.host}:${this.options.port}: ${errorMessage(err)}`, this.context, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (this.closed) {
      destroy(client);
      throw new DeviceConnectionError('connection closed', this.context);
    }
    this.options.log.debug(this.context, 'Modbus TCP connected');
    this.client = client;
    return client;
  }

  private drop(): void {
    if (this.client) destroy(this.client);
    this.client = undefined;
  }
}

function destroy(client: Client): void {
  try {
    client.destroy(() => undefined);
  } catch {
    // Already gone.
  }
}
