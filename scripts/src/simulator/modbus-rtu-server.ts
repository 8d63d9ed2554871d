import { SerialPort } from 'serialport';
import type { Logger } from 'pino';
import { FaultInjector } from './faults.js';
import { encodeRtuFrame, parseRtuRequests } from './rtu-frame.js';

/**
 * Modbus RTU slave(s) on a serial port: on real hardware an RS-485 adapter,
 * in tests one end of a socat pty pair. Several unit ids answer on one port,
 * as several devices share one RS-485 bus; a unit id nobody serves gets no
 * reply, as on a real bus. `handle` is the same PDU handler the TCP server uses.
 */
export interface ModbusRtuServerOptions {
  path: string;
  /** Default 9600. With `emulateLineSpeed`, replies wait as long as the frames would take on the wire. */
  baudRate?: number | undefined;
  /** Bits per character on the emulated line (start + 8 data + parity + stop). Default 11 (8E1). */
  bitsPerCharacter?: number | undefined;
  emulateLineSpeed?: boolean | undefined;
  handle: (unitId: number, pdu: Buffer) => Buffer | null;
  faults?: FaultInjector | undefined;
  log?: Logger | undefined;
}

export interface ModbusRtuServer {
  readonly path: string;
  readonly faults: FaultInjector;
  /** Requests seen per unit id (answered or not). */
  readonly requests: Map<number, number>;
  /** Bytes thrown away (bad CRC, unknown function). */
  readonly droppedBytes: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startModbusRtuServer(opts: ModbusRtuServerOptions): Promise<ModbusRtuServer> {
  const baudRate = opts.baudRate ?? 9600;
  const bits = opts.bitsPerCharacter ?? 11;
  const faults = opts.faults ?? new FaultInjector();
  const requests = new Map<number, number>();
  const state = { dropped: 0 };
  const port = new SerialPort({ path: opts.path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', (err) => opts.log?.warn({ err, path: opts.path }, 'RTU simulator port error'));

  let pending: Buffer = Buffer.alloc(0);
  // Replies go out one at a time, in order, like a half-duplex bus.
  let chain: Promise<void> = Promise.resolve();
  const wire = (bytes: number) => (opts.emulateLineSpeed ? (bytes * bits * 1000) / baudRate : 0);

  port.on('data', (chunk: Buffer) => {
    const parsed = parseRtuRequests(pending.length ? Buffer.concat([pending, chunk]) : chunk);
    pending = parsed.rest;
    state.dropped += parsed.dropped;
    for (const request of parsed.requests) {
      requests.set(request.unitId, (requests.get(request.unitId) ?? 0) + 1);
      let reply: Buffer | null;
      try {
        reply = faults.applyToPdu(request.unitId, request.pdu, () => opts.handle(request.unitId, request.pdu));
      } catch (err) {
        opts.log?.error({ err, unitId: request.unitId }, 'RTU request handler failed');
        reply = Buffer.from([((request.pdu[0] ?? 0) | 0x80) & 0xff, 0x04]);
      }
      if (!reply) continue;
      const frame = faults.applyToFrame(request.unitId, encodeRtuFrame(request.unitId, reply));
      const delay = faults.delayMs(request.unitId) + wire(request.pdu.length + 3) + wire(frame.length);
      chain = chain.then(async () => {
        if (delay > 0) await sleep(delay);
        if (port.isOpen) port.write(frame);
      });
    }
  });

  return {
    path: opts.path,
    faults,
    requests,
    get droppedBytes() {
      return state.dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
