import { createServer, type Socket } from 'node:net';
import type { Logger } from 'pino';

/**
 * Modbus TCP framing (MBAP header) on node:net. It knows nothing of
 * registers: each request's unit id and PDU go to `handle`, whose answer PDU
 * (or null for no reply) is sent back under the same transaction id.
 *
 * Why not modbus-serial's ServerTCP: it turns `port: 0` into 502 (`port || 502`),
 * so tests cannot ask for a free port; it ignores the MBAP protocol id; and it
 * serves reads of more than 125 registers instead of answering exception 0x03.
 */
export interface ModbusTcpServerOptions {
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** 0 = a free port chosen by the system. Default 0. */
  port?: number | undefined;
  handle: (unitId: number, pdu: Buffer) => Buffer | null;
  log?: Logger | undefined;
}

export interface ModbusTcpServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

export interface MbapFrame {
  readonly transactionId: number;
  readonly protocolId: number;
  readonly unitId: number;
  readonly pdu: Buffer;
}

const MBAP_HEADER = 7;
/** MBAP length counts the unit id and the PDU (at most 253 bytes). */
const MAX_MBAP_LENGTH = 254;

export class MbapFramingError extends Error {
  readonly code = 'MODBUS_MBAP_FRAMING';
}

/**
 * Splits received bytes into complete frames; `rest` is an incomplete tail to
 * keep for the next chunk. Throws MbapFramingError on an impossible length
 * field, after which the stream cannot be resynchronised.
 */
export function parseMbapFrames(data: Buffer): { frames: MbapFrame[]; rest: Buffer } {
  const frames: MbapFrame[] = [];
  let at = 0;
  while (data.length - at >= 6) {
    const length = data.readUInt16BE(at + 4);
    if (length < 2 || length > MAX_MBAP_LENGTH) {
      throw new MbapFramingError(`MBAP length ${length} is outside 2..${MAX_MBAP_LENGTH}`);
    }
    if (data.length - at < 6 + length) break;
    frames.push({
      transactionId: data.readUInt16BE(at),
      protocolId: data.readUInt16BE(at + 2),
      unitId: data[at + 6] ?? 0,
      pdu: Buffer.from(data.subarray(at + MBAP_HEADER, at + 6 + length)),
    });
    at += 6 + length;
  }
  return { frames, rest: Buffer.from(data.subarray(at)) };
}

export function encodeMbapFrame(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const out = Buffer.alloc(MBAP_HEADER + pdu.length);
  out.writeUInt16BE(transactionId, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(pdu.length + 1, 4);
  out[6] = unitId;
  pdu.copy(out, MBAP_HEADER);
  return out;
}

export async function startModbusTcpServer(opts: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
  const log = opts.log;
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    log?.debug({ peer }, 'modbus client connected');
    let pending: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      let parsed: ReturnType<typeof parseMbapFrames>;
      try {
        parsed = parseMbapFrames(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      } catch (err) {
        log?.warn({ peer, err }, 'bad MBAP frame, closing connection');
        sock.destroy();
        return;
      }
      pending = parsed.rest;
      for (const frame of parsed.frames) {
        // A frame for another protocol than Modbus (id 0) is discarded, as the spec asks.
        if (frame.protocolId !== 0) continue;
        let reply: Buffer | null;
        try {
          reply = opts.handle(frame.unitId, frame.pdu);
        } catch (err) {
          log?.error({ peer, unitId: frame.unitId, err }, 'request handler failed');
          reply = Buffer.from([((frame.pdu[0] ?? 0) | 0x80) & 0xff, 0x04]);
        }
        if (reply) sock.write(encodeMbapFrame(frame.transactionId, frame.unitId, reply));
      }
    });
    sock.on('error', (err) => log?.debug({ peer, err }, 'modbus socket error'));
    sock.on('close', () => {
      sockets.delete(sock);
      log?.debug({ peer }, 'modbus client disconnected');
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log?.error({ err }, 'modbus server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
