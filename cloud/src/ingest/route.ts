import { IngestBatch } from '@solarhub/shared';
import type { FastifyInstance } from 'fastify';
import { gatewayAuthHook } from '../auth/bearer-hooks.js';
import { requireGateway } from '../auth/request-context.js';
import { gunzipBody } from '../http/gzip.js';
import { parseOrThrow } from '../http/validate.js';
import type { Db } from '../storage/database.js';
import { useFastJsonParser } from './json-body.js';
import { storeBatch } from './store-batch.js';

export interface IngestRouteOptions {
  db: Db;
  /** Largest accepted body after decompression, bytes. */
  bodyLimit: number;
  /** Readings go to PostgreSQL as binary arrays (node-postgres), or as text (PGlite). */
  binaryParams: boolean;
}

/** POST /api/v1/ingest: gateways push batches. Register as an encapsulated plugin (the auth hook is scoped to it). */
export async function ingestRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const log = app.log.child({ component: 'ingest' });
  app.addHook('onRequest', gatewayAuthHook(options.db));
  app.addHook('preParsing', gunzipBody);
  // JSON only: fastify's built-in text/plain parser would hand the handler a string.
  app.removeContentTypeParser('text/plain');
  useFastJsonParser(app);
  app.post('/api/v1/ingest', { bodyLimit: options.bodyLimit }, async (request) => {
    const gateway = requireGateway(request);
    const batch = parseOrThrow(IngestBatch, request.body, 'body');
    const started = performance.now();
    const ack = await storeBatch(options.db, gateway, batch, { binaryParams: options.binaryParams });
    log.info(
      { reqId: request.id, gatewayId: gateway.id, ...ack, readings: batch.readings.seq.length, ms: Math.round(performance.now() - started) },
      'batch stored',
    );
    return ack;
  });
}
