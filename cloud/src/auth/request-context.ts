import type { FastifyRequest } from 'fastify';
import type { GatewayRef } from '../ingest/gateway-ref.js';
import type { MemberRole } from './permissions.js';
import type { SessionRef } from './sessions.js';

/** The API token a read request authenticated with: its organization scopes every query. */
export interface ApiPrincipal {
  tokenId: string;
  organizationId: string;
}

/** Who is calling: a signed-in user (session cookie) or an integration (API token). */
export type Principal =
  | ({ kind: 'session' } & SessionRef)
  | { kind: 'api_token'; tokenId: string; organizationId: string; role: MemberRole; memberId: string | null };

/** The organization a request acts in, and the caller's role there (set by the access check). */
export interface Tenant {
  organizationId: string;
  role: MemberRole;
  principal: Principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the gateway auth hook on ingest routes; null elsewhere. */
    gateway: GatewayRef | null;
    /**
     * The tenant of a read request as {tokenId, organizationId}: kept for the
     * first read routes. Set with `tenant` (for sessions tokenId is the session id).
     */
    apiPrincipal: ApiPrincipal | null;
    /** Set by the API's auth hook when credentials were presented and valid. */
    principal: Principal | null;
    /** Set by the access check on tenant routes. */
    tenant: Tenant | null;
  }
}

export function requireGateway(request: FastifyRequest): GatewayRef {
  if (!request.gateway) throw new Error('gateway auth hook did not run for this route');
  return request.gateway;
}

export function requireApiPrincipal(request: FastifyRequest): ApiPrincipal {
  if (!request.apiPrincipal) throw new Error('API auth hook did not run for this route');
  return request.apiPrincipal;
}

export function requireTenant(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new Error('access check did not resolve a tenant for this route');
  return request.tenant;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('access check did not require a principal for this route');
  return request.principal;
}

/** The user behind a request: the session's, or the API token's member's (null for operator-made tokens). */
export function userIdOf(principal: Principal): string | null {
  return principal.kind === 'session' ? principal.userId : null;
}
