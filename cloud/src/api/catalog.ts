import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Access } from '../auth/access.js';

/** Every route of the app as registered: the OpenAPI document and the tenant isolation test walk it. */
export interface CatalogRoute {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: CatalogRoute[];
  }
}

/** Call first thing on the root instance: later registrations, in any plugin, are recorded. */
export function recordRoutes(app: FastifyInstance): void {
  const catalog: CatalogRoute[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) catalog.push({ method, url: route.url, access: (route.config as { access?: Access } | undefined)?.access });
  });
}
