import type { FastifyRequest } from 'fastify';
import type { GatewayRef } from '../ingest/gateway-ref.js';

/** The API token a read request authenticated with: its organization scopes every query. */
export interface ApiPrincipal {
  tokenId: string;
  organizationId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the gateway auth hook on ingest routes; null elsewhere. */
    gateway: GatewayRef | null;
    /** Set by the API token auth hook on read routes; null elsewhere. */
    apiPrincipal: ApiPrincipal | null;
  }
}

export function requireGateway(request: FastifyRequest): GatewayRef {
  if (!request.gateway) throw new Error('gateway auth hook did not run for this route');
  return request.gateway;
}

export function requireApiPrincipal(request: FastifyRequest): ApiPrincipal {
  if (!request.apiPrincipal) throw new Error('API token auth hook did not run for this route');
  return request.apiPrincipal;
}
