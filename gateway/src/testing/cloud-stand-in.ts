import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { IngestBatch, type IngestAck } from '@solarhub/shared';

/**
 * Test support: a tiny HTTP server on 127.0.0.1 that speaks the cloud's
 * ingest contract (gzip JSON in, IngestBatch validated with zod, IngestAck
 * out). Not a mock of the cloud: a stand-in for its wire contract.
 */
export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  /** Null when the body failed validation (then `invalid` says why). */
  batch: IngestBatch | null;
  invalid?: string;
  /** Size of the JSON body, gunzipped (bytes; 0 when unreadable). */
  jsonBytes: number;
  at: number;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Decides the answer to each valid batch; the default acknowledges all of it. */
export type Responder = (batch: IngestBatch, index: number) => Answer;

export interface CloudStandIn {
  url: string;
  requests: ReceivedRequest[];
  respond: Responder;
  close(): Promise<void>;
}

export function ackAll(batch: IngestBatch): Answer {
  const seqs = batch.readings.seq;
  const body: IngestAck = {
    accepted: seqs.length,
    duplicates: 0,
    ackedFrom: seqs.length ? Math.min(...seqs) : null,
    ackedTo: seqs.length ? Math.max(...seqs) : null,
  };
  return { status: 200, body };
}

export async function startCloudStandIn(respond: Responder = ackAll): Promise<CloudStandIn> {
  const requests: ReceivedRequest[] = [];
  const standIn: CloudStandIn = { url: '', requests, respond, close: async () => undefined };
  let valid = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ReceivedRequest = { headers: req.headers, batch: null, jsonBytes: 0, at: Date.now() };
      requests.push(request);
      const reply = (answer: Answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (req.method !== 'POST' || req.url !== '/api/v1/ingest') {
        reply({ status: 404, body: { error: { code: 'NOT_FOUND', message: `${req.method} ${req.url}` } } });
        return;
      }
      let raw: unknown;
      try {
        const body = Buffer.concat(chunks);
        const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
        request.jsonBytes = json.length;
        raw = JSON.parse(json.toString('utf8'));
      } catch (err) {
        request.invalid = `unreadable body: ${(err as Error).message}`;
        reply({ status: 400, body: { error: { code: 'BAD_BODY', message: request.invalid } } });
        return;
      }
      const parsed = IngestBatch.safeParse(raw);
      if (!parsed.success) {
        request.invalid = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        reply({ status: 400, body: { error: { code: 'VALIDATION', message: request.invalid } } });
        return;
      }
      request.batch = parsed.data;
      reply(standIn.respond(parsed.data, valid++));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
