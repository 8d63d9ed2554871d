import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Test support: a TCP proxy on 127.0.0.1 whose behaviour the test switches
 * at will, to put a slow and misbehaving network between a gateway and the
 * cloud (Toxiproxy is not available here; this is the in-process stand-in).
 * Changing the mode resets every open connection, so keep-alive connections
 * pick up the new behaviour at once.
 */
export type ProxyMode =
  /** Forward both ways untouched. */
  | { kind: 'pass' }
  /** Forward, each chunk delayed by `ms` in both directions. */
  | { kind: 'delay'; ms: number }
  /** Forward requests; answers cut into `bytes`-sized pieces with `ms` between them. */
  | { kind: 'slice'; bytes: number; ms: number }
  /** Reset every connection at once (TCP RST). */
  | { kind: 'reset' }
  /** Forward the request, then reset the client as the answer starts: the server did the work, the ack is lost. */
  | { kind: 'reset_after_request' }
  /** Accept and read, never answer (the client's timeout must fire). */
  | { kind: 'blackhole' }
  /** Answer every request with this HTTP status (e.g. 503) without forwarding it. */
  | { kind: 'http_error'; status: number; retryAfter?: string };

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  mode(): ProxyMode;
  setMode(mode: ProxyMode): void;
  /** Connections accepted so far, per mode kind. */
  readonly accepted: Record<string, number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes chunks in order, each after `wait` (a per-direction queue keeps the order). */
function paced(to: Socket, wait: () => Promise<void>) {
  let chain = Promise.resolve();
  return (chunk: Buffer) => {
    chain = chain.then(async () => {
      await wait();
      if (!to.destroyed) to.write(chunk);
    });
  };
}

function httpError(status: number, retryAfter: string | undefined): string {
  const body = JSON.stringify({ error: { code: 'proxy_error', message: `injected ${status}` } });
  const headers = [
    `HTTP/1.1 ${status} Injected`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(retryAfter !== undefined ? [`Retry-After: ${retryAfter}`] : []),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let current: ProxyMode = { kind: 'pass' };
  const open = new Set<Socket>();
  const accepted: Record<string, number> = {};

  const handle = (client: Socket) => {
    const mode = current;
    accepted[mode.kind] = (accepted[mode.kind] ?? 0) + 1;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    switch (mode.kind) {
      case 'reset':
        client.resetAndDestroy();
        return;
      case 'blackhole':
        client.on('data', () => undefined);
        return;
      case 'http_error':
        client.once('data', () => client.end(httpError(mode.status, mode.retryAfter)));
        return;
      default:
        break;
    }
    const upstream = connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.resetAndDestroy());
    client.on('close', () => upstream.destroy());
    const delay = mode.kind === 'delay' ? () => sleep(mode.ms) : async () => undefined;
    const toUpstream = paced(upstream, delay);
    client.on('data', toUpstream);
    if (mode.kind === 'reset_after_request') {
      upstream.once('data', () => client.resetAndDestroy());
      return;
    }
    if (mode.kind === 'slice') {
      const toClient = paced(client, () => sleep(mode.ms));
      upstream.on('data', (chunk: Buffer) => {
        for (let i = 0; i < chunk.length; i += mode.bytes) toClient(chunk.subarray(i, i + mode.bytes));
      });
      return;
    }
    upstream.on('data', paced(client, delay));
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    accepted,
    mode: () => current,
    setMode(mode) {
      current = mode;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
