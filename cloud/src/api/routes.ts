import type { FastifyInstance } from 'fastify';
import { apiTokenAuthHook } from '../auth/bearer-hooks.js';
import type { Db } from '../storage/database.js';
import { measurementRoutes } from './measurements.js';
import { siteRoutes } from './sites.js';

export interface ReadApiOptions {
  db: Db;
  /** Cap on raw points per series request. */
  maxSeriesPoints: number;
}

/** The read API for integrations (API tokens). Register as an encapsulated plugin: the auth hook is scoped to it. */
export async function readApiRoutes(app: FastifyInstance, options: ReadApiOptions): Promise<void> {
  app.addHook('onRequest', apiTokenAuthHook(options.db));
  siteRoutes(app, options.db);
  measurementRoutes(app, options.db, options.maxSeriesPoints);
}
