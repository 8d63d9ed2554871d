import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { healthRoute } from './api/health.js';
import { recordRoutes } from './api/catalog.js';
import { readApiRoutes } from './api/routes.js';
import './auth/request-context.js';
import { AppConfig, type AppConfigInput } from './config.js';
import { toApiError } from './http/errors.js';
import { ingestRoutes } from './ingest/route.js';
import type { Database } from './storage/database.js';

export interface AppDeps {
  /** An open, migrated database. buildApp never closes it: the caller owns it. */
  database: Database;
  log: Logger;
  config?: AppConfigInput;
}

/** The cloud HTTP app, ready to `listen()` or `inject()`; it never listens by itself. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const config = AppConfig.parse(deps.config ?? {});
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance;

  recordRoutes(app);
  app.decorateRequest('gateway', null);
  app.decorateRequest('apiPrincipal', null);
  app.decorateRequest('principal', null);
  app.decorateRequest('tenant', null);

  app.setErrorHandler((err, request, reply) => {
    const { statusCode, body } = toApiError(err);
    if (statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ statusCode, code: body.error.code, message: body.error.message }, 'request rejected');
    void reply.status(statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `Route ${request.method} ${request.url.split('?')[0]} not found` } });
  });

  healthRoute(app, deps.database);
  void app.register(ingestRoutes, { db: deps.database.db, bodyLimit: config.ingestBodyLimit, binaryParams: deps.database.kind === 'postgres' });
  void app.register(readApiRoutes, { db: deps.database.db, config, maxSeriesPoints: config.maxSeriesPoints });
  return app;
}
