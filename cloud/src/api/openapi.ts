import { IngestAck, IngestBatch, ApiError } from '@solarhub/shared';
import { z } from 'zod';
import type { Access } from '../auth/access.js';
import { ApiRegistry, type DocumentedRoute } from './define.js';

/** A route the registry does not document (registered by other parts of the cloud), as fastify saw it. */
export interface SeenRoute {
  method: string;
  url: string;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

/** "/api/v1/sites/:siteId" -> "/api/v1/sites/{siteId}". */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function security(rule: Access) {
  if (rule.kind === 'public') return [];
  return [{ session: [] }, { apiToken: [] }];
}

function parameters(route: DocumentedRoute) {
  const out: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  };
  add('path', route.params);
  add('query', route.query);
  return out;
}

function operation(route: DocumentedRoute) {
  const errors = jsonSchema(ApiError, 'output');
  const responses: Record<string, unknown> = {
    [route.status]: route.status === 204 || !route.response
      ? { description: 'done' }
      : { description: 'success', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
    default: { description: 'error (400 validation, 401, 403, 404, 409, 429...)', content: { 'application/json': { schema: errors } } },
  };
  const rule = route.access;
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${route.url.replace(/\/api\/v1/, '').replace(/[/:{}-]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
    'x-access': rule.kind === 'tenant' ? rule.action : rule.kind,
    security: security(rule),
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document, built from the very zod schemas the routes
 * validate with. Routes registered outside the registry (ingest, health,
 * time series) appear too, with what is known of them.
 */
export function buildOpenApi(registry: ApiRegistry, seen: SeenRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const documented = new Set<string>();
  for (const route of registry.routes) {
    const path = openApiPath(route.url);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
    documented.add(`${route.method} ${route.url}`);
  }
  for (const route of seen) {
    if (documented.has(`${route.method} ${route.url}`) || route.method === 'HEAD' || !route.url.startsWith('/api/v1/')) continue;
    const path = openApiPath(route.url);
    const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const ingest = route.url === '/api/v1/ingest';
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: ingest ? 'Store a batch of readings from a gateway (idempotent by sequence; gzip accepted)' : route.url,
      tags: [ingest ? 'ingest' : 'other'],
      parameters: params,
      security: route.url.endsWith('/health') ? [] : ingest ? [{ gatewayToken: [] }] : [{ session: [] }, { apiToken: [] }],
      ...(ingest ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(IngestBatch, 'input') } } } } : {}),
      responses: {
        200: ingest ? { description: 'acknowledged', content: { 'application/json': { schema: jsonSchema(IngestAck, 'output') } } } : { description: 'success' },
        default: { description: 'error', content: { 'application/json': { schema: jsonSchema(ApiError, 'output') } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'SolarHub cloud API', version, description: 'Multi-tenant monitoring API. Errors always have the shape {error: {code, message, details?}}.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-solarhub_session', description: 'from POST /api/v1/auth/login ("solarhub_session" over plain http); unsafe methods also need X-CSRF-Token' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'sha_... API token of an organization' },
        gatewayToken: { type: 'http', scheme: 'bearer', description: 'shg_... gateway token (ingest only)' },
      },
    },
    paths,
  };
}
