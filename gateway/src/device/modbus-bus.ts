import ModbusSerial from 'modbus-serial';
import type { Logger } from 'pino';
import { DeviceConnectionError, DeviceTimeoutError, errorMessage, FrameError, ModbusExceptionError } from '../errors.js';
import { interFrameGapMs, type SerialFraming } from './bus-timing.js';
import { SerialQueue } from './serial-queue.js';

/** Where a bus's frames go. Devices with the same link share one bus (one connection, one queue). */
export type BusLink =
  | { kind: 'tcp'; host: string; port: number }
  | ({ kind: 'rtu'; path: string } & SerialFraming)
  | { kind: 'rtu_over_tcp'; host: string; port: number };

export type RegisterTable = 'holding' | 'input' | 'coil' | 'discrete';

export interface BusRequest {
  unitId: number;
  table: RegisterTable;
  address: number;
  count: number;
  timeoutMs: number;
}

export interface ModbusBusOptions {
  link: BusLink;
  log: Logger;
  /** Silence between the end of one transaction and the next frame, ms. Default: 3.5 characters (RTU), 0 otherwise. */
  interFrameGapMs?: number | undefined;
  /** Silence after a timeout or a broken reply, before the next frame (RTU framing only), ms. Default 100. */
  recoverySilenceMs?: number | undefined;
  /** Timeout of connecting (TCP) or opening the port, ms. Default 3000. */
  connectTimeoutMs?: number | undefined;
}

export interface BusStats {
  requests: number;
  timeouts: number;
  frameErrors: number;
  exceptions: number;
  reconnects: number;
}

// modbus-serial is CommonJS: its module.exports is the client class, and `.default` points back at it.
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

export function linkKey(link: BusLink): string {
  return link.kind === 'rtu' ? `rtu:${link.path}` : `${link.kind}:${link.host}:${link.port}`;
}

export function describeLink(link: BusLink): string {
  return link.kind === 'rtu' ? `${link.path} @ ${link.baudRate} baud` : `${link.host}:${link.port}${link.kind === 'rtu_over_tcp' ? ' (RTU over TCP)' : ''}`;
}

/** Log and error context naming the link. */
export function linkContext(link: BusLink): Record<string, unknown> {
  return link.kind === 'rtu' ? { link: describeLink(link), path: link.path } : { link: describeLink(link), host: link.host, port: link.port };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One Modbus link shared by every unit on it: a TCP connection, an RS-485
 * port, or a serial-to-Ethernet converter speaking RTU frames over TCP.
 *
 * - One request at a time (modbus-serial's RTU ports have no transaction id:
 *   two requests in flight overwrite each other), in the order asked.
 * - Every request has its own timeout (modbus-serial has none by default).
 * - The inter-frame gap is kept between transactions.
 * - With RTU framing, after a timeout or a broken reply the bus is left
 *   silent for `recoverySilenceMs` and the receive buffer is discarded, so a
 *   late reply is never taken for the answer to the next request.
 * - Connections open lazily and again after they are lost. A TCP link is
 *   dropped after a timeout only when no unit on it answers any more
 *   (transaction ids make late TCP replies harmless otherwise).
 */
export class ModbusBus {
  readonly key: string;
  readonly stats: BusStats = { requests: 0, timeouts: 0, frameErrors: 0, exceptions: 0, reconnects: 0 };
  private client: Client | undefined;
  private readonly queue = new SerialQueue();
  private closed = false;
  /** The last dropped client's close, awaited before opening again (a serial port stays locked until closed). */
  private closing: Promise<void> = Promise.resolve();
  private quietUntil = 0;
  private timeoutStreak = 0;
  private readonly units = new Set<number>();
  private readonly gapMs: number;
  private readonly recoveryMs: number;
  private readonly connectTimeoutMs: number;
  private readonly rtuFraming: boolean;

  constructor(private readonly options: ModbusBusOptions) {
    const { link } = options;
    this.key = linkKey(link);
    this.rtuFraming = link.kind !== 'tcp';
    this.gapMs = options.interFrameGapMs ?? (link.kind === 'rtu' ? interFrameGapMs(link) : 0);
    this.recoveryMs = options.recoverySilenceMs ?? 100;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  }

  get connected(): boolean {
    return this.client?.isOpen === true;
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.queue.size;
  }

  /** Reads registers (or bits, as 0/1) from one unit. Throws the gateway's device errors. */
  read(request: BusRequest): Promise<number[]> {
    this.units.add(request.unitId);
    return this.queue.run(() => this.transact(request));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
    await this.queue.run(async () => undefined);
    await this.closing;
  }

  private async transact(request: BusRequest): Promise<number[]> {
    const wait = this.quietUntil - performance.now();
    if (wait > 0) await sleep(wait);
    const client = await this.connect();
    this.stats.requests++;
    client.setID(request.unitId);
    client.setTimeout(request.timeoutMs);
    try {
      const values = await call(client, request);
      this.timeoutStreak = 0;
      return values;
    } catch (err) {
      throw this.classify(err, request);
    } finally {
      this.quietUntil = Math.max(this.quietUntil, performance.now() + this.gapMs);
    }
  }

  private classify(err: unknown, request: BusRequest): Error {
    const context = { ...linkContext(this.options.link), unitId: request.unitId, table: request.table, address: request.address, count: request.count };
    const e = err as { modbusCode?: unknown; errno?: unknown; name?: unknown; message?: unknown };
    if (typeof e.modbusCode === 'number') {
      this.stats.exceptions++;
      this.timeoutStreak = 0;
      return new ModbusExceptionError(e.modbusCode, `Modbus exception ${e.modbusCode} reading ${request.count} ${request.table} at ${request.address}`, context);
    }
    const message = errorMessage(err);
    if (e.errno === 'ETIMEDOUT' || e.name === 'TransactionTimedOutError') {
      this.stats.timeouts++;
      this.timeoutStreak++;
      this.afterBrokenExchange();
      if (this.options.link.kind !== 'rtu' && (this.units.size === 1 || this.timeoutStreak >= 3)) this.drop();
      return new DeviceTimeoutError(`unit ${request.unitId} gave no answer within ${request.timeoutMs} ms`, context, { cause: err });
    }
    if (/CRC|length|Data length|Unexpected data|Bad|Invalid/i.test(message) && this.client?.isOpen) {
      this.stats.frameErrors++;
      this.afterBrokenExchange();
      return new FrameError(`broken reply from unit ${request.unitId}: ${message}`, context, { cause: err });
    }
    this.drop();
    return new DeviceConnectionError(`link ${describeLink(this.options.link)} failed: ${message}`, context, { cause: err });
  }

  /** RTU framing has no transaction id: stay silent, then throw away whatever arrived late. */
  private afterBrokenExchange(): void {
    if (!this.rtuFraming) return;
    this.quietUntil = performance.now() + Math.max(this.recoveryMs, this.gapMs);
    const client = this.client;
    if (!client) return;
    setTimeout(() => discardInput(client), Math.max(0, this.recoveryMs - 1)).unref();
  }

  private async connect(): Promise<Client> {
    if (this.closed) throw new DeviceConnectionError('bus closed', linkContext(this.options.link));
    if (this.client?.isOpen) return this.client;
    this.drop();
    await this.closing;
    const { link, log } = this.options;
    const context = linkContext(link);
    const client = new ModbusRTU();
    // An 'error' event without a listener would crash the process: one bad link must not.
    client.on('error', (err: unknown) => log.debug({ ...context, err }, 'Modbus link error'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeviceTimeoutError(`connecting took longer than ${this.connectTimeoutMs} ms`, context)), this.connectTimeoutMs);
    });
    try {
      await Promise.race([open(client, link), timeout]);
    } catch (err) {
      this.closing = destroy(client);
      if (err instanceof DeviceTimeoutError) throw err;
      throw new DeviceConnectionError(`cannot open ${describeLink(link)}: ${errorMessage(err)}`, context, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (this.closed) {
      this.closing = destroy(client);
      throw new DeviceConnectionError('bus closed', context);
    }
    this.stats.reconnects++;
    log.debug(context, 'Modbus link open');
    this.client = client;
    return client;
  }

  private drop(): void {
    if (this.client) {
      const closing = destroy(this.client);
      this.closing = Promise.all([this.closing, closing]).then(() => undefined);
    }
    this.client = undefined;
  }
}

function open(client: Client, link: BusLink): Promise<void> {
  switch (link.kind) {
    case 'tcp':
      return client.connectTCP(link.host, { port: link.port });
    case 'rtu_over_tcp':
      return client.connectTcpRTUBuffered(link.host, { port: link.port });
    case 'rtu':
      return client.connectRTUBuffered(link.path, { baudRate: link.baudRate, dataBits: link.dataBits, stopBits: link.stopBits, parity: link.parity });
  }
}

async function call(client: Client, r: BusRequest): Promise<number[]> {
  switch (r.table) {
    case 'holding':
      return Array.from((await client.readHoldingRegisters(r.address, r.count)).data);
    case 'input':
      return Array.from((await client.readInputRegisters(r.address, r.count)).data);
    case 'coil':
      return (await client.readCoils(r.address, r.count)).data.slice(0, r.count).map((b) => (b ? 1 : 0));
    case 'discrete':
      return (await client.readDiscreteInputs(r.address, r.count)).data.slice(0, r.count).map((b) => (b ? 1 : 0));
  }
}

/** modbus-serial keeps received bytes in its port's private buffer; empty it (and the OS buffer of a serial port). */
function discardInput(client: Client): void {
  const port = (client as unknown as { _port?: { _buffer?: Buffer; _client?: { flush?: (cb?: () => void) => void } } })._port;
  if (!port) return;
  if (port._buffer) port._buffer = Buffer.alloc(0);
  try {
    port._client?.flush?.(() => undefined);
  } catch {
    // Not a serial port, or already closed.
  }
}

/** Closes a client; resolves when its port is released (at most 1 s: a hung close must not block reconnecting forever). */
function destroy(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      // destroy() ends sockets; a serial port only lets go of its lock on close().
      if (client.isOpen && (client as unknown as { _port?: { destroy?: unknown } })._port?.destroy === undefined) client.close(done);
      else client.destroy(done);
    } catch {
      done();
    }
  });
}
