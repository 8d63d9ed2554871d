import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

/**
 * A minimal fetch over node:https that trusts a given CA (a private cloud's
 * own certificate authority) in addition to nothing else: certificates are
 * still verified, against that CA. Covers what the cloud client uses: POST
 * with headers and a Buffer body, an AbortSignal, status, headers.get, text().
 */
export function fetchWithCa(ca: string | Buffer): typeof fetch {
  const agent = new Agent({ ca, keepAlive: true });
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        url,
        { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, ...(url.protocol === 'https:' ? { agent } : {}), signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
            resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
          });
        },
      );
      req.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
      req.end(init.body as Buffer | undefined);
    })) as typeof fetch;
}
