import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Access } from '../auth/access.js';
import { parseOrThrow } from '../http/validate.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A documented route: what the OpenAPI document is built from. */
export interface DocumentedRoute {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  response?: z.ZodType | undefined;
  status: number;
}

/** Collects the routes of one app (no module-level state: buildApp makes one). */
export class ApiRegistry {
  readonly routes: DocumentedRoute[] = [];
}

export interface RouteContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body's schema (documentation; `status` 204 has none). */
  response?: z.ZodType;
  /** Success status (default 200; 201 for creations, 204 for deletions). */
  status?: number;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/**
 * Registers a route whose params, query and body are parsed by zod (400 with
 * every failing field), whose access rule travels in `config.access` (the
 * authorize hook enforces it) and which the OpenAPI document describes from
 * the same schemas.
 */
export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  app: FastifyInstance,
  registry: ApiRegistry,
  spec: RouteSpec<P, Q, B>,
): void {
  const status = spec.status ?? 200;
  registry.routes.push({ ...spec, status });
  app.route({
    method: spec.method,
    url: spec.url,
    config: { access: spec.access },
    handler: async (request, reply) => {
      const params = (spec.params ? parseOrThrow(spec.params, request.params, 'params') : request.params) as z.output<P>;
      const query = (spec.query ? parseOrThrow(spec.query, request.query, 'query') : request.query) as z.output<Q>;
      const body = (spec.body ? parseOrThrow(spec.body, request.body ?? {}, 'body') : undefined) as z.output<B>;
      const result = await spec.handler({ request, reply, params, query, body });
      if (status === 204) return reply.status(204).send();
      return reply.status(status).send(result);
    },
  });
}
