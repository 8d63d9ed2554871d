import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, forbidden, HttpError, notFound, unauthorized } from '../http/errors.js';
import type { Db } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { MEMBER_ROLES } from '../storage/schema/vocabulary.js';
import { CSRF_HEADER, findSession, sessionTokenOf, type SessionSettings } from './sessions.js';
import { TENANT_ENTITIES, defaultAccess, isUnsafeMethod, sameSecret, type Access, type TenantEntity } from './access.js';
import { bearerToken } from './bearer-hooks.js';
import { recordUse, touchApiToken, useIsStale } from './last-use.js';
import { can, canGrant, type MemberRole } from './permissions.js';
import type { Principal, Tenant } from './request-context.js';
import { hashToken } from './tokens.js';
import './request-context.js';

export interface AuthorizeOptions {
  db: Db;
  sessions: SessionSettings;
}

const Uuid = z.uuid();
const Role = z.enum(MEMBER_ROLES);

/** The access a route declared, or the default for undeclared reads; null when neither applies. */
export function accessOf(request: FastifyRequest): Access | null {
  const declared = (request.routeOptions.config as { access?: Access } | undefined)?.access;
  return declared ?? defaultAccess(request.method, request.routeOptions.url ?? '');
}

/**
 * onRequest hook of the API: authenticates (API token or session cookie),
 * checks CSRF for cookie-authenticated unsafe methods, resolves the tenant
 * and checks the role against the permission table. Runs before the body is
 * read. Order of answers: 401 no credentials, 403 CSRF, 400 malformed id,
 * 404 unknown or foreign resource (indistinguishable), 403 role too weak.
 */
export function authorizeHook(options: AuthorizeOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const rule = accessOf(request);
    if (!rule) throw new HttpError(500, 'route_without_access', 'This route declares no access rule');
    if (rule.kind === 'public') return;
    const principal = await authenticate(options, request, reply);
    if (!principal) throw unauthorized('Sign in (session cookie) or send an API token ("Authorization: Bearer sha_...")');
    request.principal = principal;
    if (principal.kind === 'session' && isUnsafeMethod(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!sameSecret(typeof header === 'string' ? header : undefined, principal.csrfToken)) {
        throw forbidden('csrf_failed', `Missing or wrong ${CSRF_HEADER} header (the csrfToken of POST /api/v1/auth/login or GET /api/v1/auth/session)`);
      }
    }
    if (rule.kind === 'user') return;
    const tenant =
      'principal' in rule.from
        ? await tenantOfPrincipal(options.db, request, principal)
        : await tenantOfParam(options.db, request, principal, rule.from.param, rule.from.entity);
    if (!can(tenant.role, rule.action)) {
      throw forbidden('forbidden', `Your role in this organization (${tenant.role}) does not allow ${rule.action}`);
    }
    request.tenant = tenant;
    request.apiPrincipal = {
      tokenId: principal.kind === 'api_token' ? principal.tokenId : principal.sessionId,
      organizationId: tenant.organizationId,
    };
  };
}

async function authenticate(options: AuthorizeOptions, request: FastifyRequest, reply: FastifyReply): Promise<Principal | null> {
  if (request.headers.authorization !== undefined) {
    const token = bearerToken(request, reply, 'api');
    const [row] = await queryRows<{
      id: string;
      organization_id: string;
      role: string;
      member_id: string | null;
      member_role: string | null;
      revoked: boolean;
      expired: boolean;
      use_stale: boolean;
    }>(
      options.db,
      sql`SELECT t.id, t.organization_id, t.role, t.member_id, m.role AS member_role,
                 t.revoked_at IS NOT NULL AS revoked, coalesce(t.expires_at <= now(), false) AS expired,
                 ${useIsStale(sql`t.last_used_at`)} AS use_stale
          FROM api_tokens t LEFT JOIN organization_members m ON m.id = t.member_id
          WHERE t.token_hash = ${hashToken(token)}`,
    );
    if (!row || row.expired) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw unauthorized(row ? 'This API token has expired' : 'Unknown API token');
    }
    if (row.revoked) throw forbidden('token_revoked', 'This API token has been revoked');
    const role = Role.parse(row.role);
    // At most one write a minute per token; a failure is logged, the request goes on.
    if (row.use_stale) await recordUse(request.log, { tokenId: row.id }, () => touchApiToken(options.db, row.id));
    return {
      kind: 'api_token',
      tokenId: row.id,
      organizationId: row.organization_id,
      role: row.member_role === null ? role : effectiveTokenRole(role, Role.parse(row.member_role)),
      memberId: row.member_id,
    };
  }
  const token = sessionTokenOf(request, options.sessions.cookieSecure);
  if (!token) return null;
  const session = await findSession(options.db, token, { idleTimeoutMs: options.sessions.idleTimeoutMs, log: request.log });
  return session ? { kind: 'session', ...session } : null;
}

/** A member's token never exceeds the member's current role: the token's role, else the member's if weaker, else viewer. */
export function effectiveTokenRole(tokenRole: MemberRole, memberRole: MemberRole): MemberRole {
  if (canGrant(memberRole, tokenRole)) return tokenRole;
  if (canGrant(tokenRole, memberRole)) return memberRole;
  return 'viewer';
}

async function tenantOfPrincipal(db: Db, request: FastifyRequest, principal: Principal): Promise<Tenant> {
  if (principal.kind === 'api_token') return { organizationId: principal.organizationId, role: principal.role, principal };
  const asked = (request.query as Record<string, unknown> | undefined)?.organizationId;
  if (asked !== undefined) {
    const parsed = Uuid.safeParse(asked);
    if (!parsed.success) throw badRequest('validation_failed', 'Invalid request query', [{ path: 'query.organizationId', message: 'must be a UUID' }]);
  }
  const rows = await queryRows<{ organization_id: string; role: string }>(
    db,
    sql`SELECT organization_id, role FROM organization_members
        WHERE user_id = ${principal.userId}::uuid ${asked === undefined ? sql`` : sql`AND organization_id = ${String(asked)}::uuid`}
        ORDER BY created_at LIMIT 2`,
  );
  if (asked !== undefined && rows.length === 0) {
    throw notFound('Organization not found', [{ path: 'query.organizationId', message: `no organization ${String(asked)}` }]);
  }
  if (rows.length !== 1) {
    throw badRequest('organization_required', 'You belong to several organizations (or none): say which with ?organizationId=', [
      { path: 'query.organizationId', message: 'required' },
    ]);
  }
  return { organizationId: rows[0]!.organization_id, role: Role.parse(rows[0]!.role), principal };
}

async function tenantOfParam(db: Db, request: FastifyRequest, principal: Principal, param: string, entity: TenantEntity): Promise<Tenant> {
  const raw = (request.params as Record<string, unknown> | undefined)?.[param];
  const parsed = Uuid.safeParse(raw);
  if (!parsed.success) throw badRequest('validation_failed', 'Invalid request params', [{ path: `params.${param}`, message: 'must be a UUID' }]);
  const spec = TENANT_ENTITIES[entity];
  const live = spec.softDelete ? sql` AND x.deleted_at IS NULL` : sql``;
  const userId = principal.kind === 'session' ? principal.userId : null;
  const [row] = await queryRows<{ organization_id: string; member_role: string | null }>(
    db,
    sql`SELECT x.${sql.raw(spec.organizationColumn)} AS organization_id, m.role AS member_role
        FROM ${sql.raw(spec.table)} x
        LEFT JOIN organization_members m ON m.organization_id = x.${sql.raw(spec.organizationColumn)} AND m.user_id = ${userId}::uuid
        WHERE x.id = ${parsed.data}::uuid${live}`,
  );
  const visible =
    row !== undefined && (principal.kind === 'api_token' ? row.organization_id === principal.organizationId : row.member_role !== null);
  if (!visible) throw notFound(`${NOUNS[entity]} not found`, [{ path: `params.${param}`, message: `no ${NOUNS[entity].toLowerCase()} ${parsed.data}` }]);
  const role = principal.kind === 'api_token' ? principal.role : Role.parse(row.member_role);
  return { organizationId: row.organization_id, role, principal };
}

const NOUNS: Record<TenantEntity, string> = {
  organizations: 'Organization',
  sites: 'Site',
  devices: 'Device',
  gateways: 'Gateway',
  meters: 'Meter',
  energy_sources: 'Energy source',
  members: 'Member',
  api_tokens: 'API token',
  claim_codes: 'Claim code',
};
