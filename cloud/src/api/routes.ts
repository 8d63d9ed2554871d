import type { FastifyInstance, RouteOptions } from 'fastify';
import { defaultAccess, type Access } from '../auth/access.js';
import { authorizeHook } from '../auth/authorize.js';
import { sessionSettingsOf } from '../auth/sessions.js';
import type { AppConfig } from '../config.js';
import type { Db } from '../storage/database.js';
import { apiTokenRoutes } from './api-tokens.js';
import { authRoutes } from './auth.js';
import { claimCodeRoutes } from './claim-codes.js';
import type { ApiContext } from './context.js';
import { ApiRegistry, defineRoute } from './define.js';
import { deviceRoutes } from './devices.js';
import { energySourceRoutes } from './energy-sources.js';
import { energyRoutes } from './energy.js';
import { gatewayRoutes } from './gateways.js';
import { gatewaySyncRoutes } from './gateway-sync.js';
import { measurementRoutes } from './measurements.js';
import { memberRoutes } from './members.js';
import { meterRoutes } from './meters.js';
import { buildOpenApi } from './openapi.js';
import { organizationRoutes } from './organizations.js';
import { siteRoutes } from './sites.js';
import { access } from '../auth/access.js';

export interface ReadApiOptions {
  db: Db;
  config: AppConfig;
  /** Cap on raw points per series request. */
  maxSeriesPoints: number;
}

/**
 * The API for people and integrations. Register as an encapsulated plugin:
 * its auth hook (sessions, API tokens, tenants, roles) applies to its routes
 * only. A route here must declare `config.access` (defineRoute does) unless it
 * is a read that the default rule covers; anything else fails at start-up.
 */
export async function readApiRoutes(app: FastifyInstance, options: ReadApiOptions): Promise<void> {
  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = (route.config as { access?: Access } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (!declared && !defaultAccess(method, route.url)) {
        throw new Error(`${method} ${route.url} declares no config.access: say who may call it (see auth/access.ts)`);
      }
    }
  });
  app.addHook('onRequest', authorizeHook({ db: options.db, sessions: sessionSettingsOf(options.config) }));
  const registry = new ApiRegistry();
  const ctx: ApiContext = { app, registry, db: options.db, config: options.config };
  authRoutes(ctx);
  organizationRoutes(ctx);
  memberRoutes(ctx);
  siteRoutes(ctx);
  meterRoutes(ctx);
  energySourceRoutes(ctx);
  deviceRoutes(ctx);
  gatewayRoutes(ctx);
  gatewaySyncRoutes(ctx);
  claimCodeRoutes(ctx);
  apiTokenRoutes(ctx);
  measurementRoutes(app, options.db, options.maxSeriesPoints);
  energyRoutes(app, options.db, options.maxSeriesPoints);

  let document: Record<string, unknown> | undefined;
  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/openapi.json',
    summary: 'This document: OpenAPI 3.1, generated from the schemas the routes validate with',
    tag: 'meta',
    access: access.public,
    handler: async () => (document ??= buildOpenApi(registry, app.routeCatalog ?? [], '1')),
  });
}
