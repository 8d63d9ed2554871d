import { timingSafeEqual } from 'node:crypto';
import type { Action } from './permissions.js';

/**
 * What a route requires, declared on the route as data (`config.access`) and
 * enforced by one hook (auth/authorize.ts) before the body is even read.
 * - public: anyone (health, login, the OpenAPI document, claiming with a code).
 * - user: any valid principal, no tenant (my organizations, my session).
 * - tenant: a principal that is a member of the organization the request
 *   addresses, with a role allowed `action`. The organization comes from a
 *   path parameter naming an entity (looked up; unknown and other tenants'
 *   ids alike are 404), or from the principal itself (an API token's
 *   organization; for a user, `?organizationId=` or their only membership).
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'tenant'; action: Action; from: TenantSource };

/** Entities a path parameter can name, by table. */
export const TENANT_ENTITIES = {
  organizations: { table: 'organizations', organizationColumn: 'id', softDelete: false },
  sites: { table: 'sites', organizationColumn: 'organization_id', softDelete: true },
  devices: { table: 'devices', organizationColumn: 'organization_id', softDelete: true },
  gateways: { table: 'gateways', organizationColumn: 'organization_id', softDelete: true },
  meters: { table: 'meters', organizationColumn: 'organization_id', softDelete: true },
  energy_sources: { table: 'energy_sources', organizationColumn: 'organization_id', softDelete: true },
  members: { table: 'organization_members', organizationColumn: 'organization_id', softDelete: false },
  api_tokens: { table: 'api_tokens', organizationColumn: 'organization_id', softDelete: false },
  claim_codes: { table: 'claim_codes', organizationColumn: 'organization_id', softDelete: false },
} as const;
export type TenantEntity = keyof typeof TENANT_ENTITIES;

export type TenantSource = { param: string; entity: TenantEntity } | { principal: true };

/** Shorthands for route declarations. */
export const access = {
  public: { kind: 'public' } as Access,
  user: { kind: 'user' } as Access,
  byParam: (action: Action, param: string, entity: TenantEntity): Access => ({ kind: 'tenant', action, from: { param, entity } }),
  byPrincipal: (action: Action): Access => ({ kind: 'tenant', action, from: { principal: true } }),
};

/** Access of a route that does not declare one: reads by the path parameter they carry, else by the principal. */
export function defaultAccess(method: string, url: string): Access | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  const params: [string, TenantEntity][] = [
    ['deviceId', 'devices'],
    ['siteId', 'sites'],
    ['meterId', 'meters'],
    ['gatewayId', 'gateways'],
    ['orgId', 'organizations'],
  ];
  for (const [param, entity] of params) if (url.includes(`:${param}`)) return access.byParam('data.read', param, entity);
  return access.byPrincipal('data.read');
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isUnsafeMethod = (method: string) => UNSAFE.has(method.toUpperCase());

export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
