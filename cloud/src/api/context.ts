import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Db } from '../storage/database.js';
import type { ApiRegistry } from './define.js';

/** What every route module gets: the app to register on, the registry that documents it, the database and the settings. */
export interface ApiContext {
  app: FastifyInstance;
  registry: ApiRegistry;
  db: Db;
  config: AppConfig;
}
