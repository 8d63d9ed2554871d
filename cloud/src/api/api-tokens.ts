import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { canGrant, MEMBER_ROLES } from '../auth/permissions.js';
import { requireTenant } from '../auth/request-context.js';
import { forbidden, notFound } from '../http/errors.js';
import { issueToken } from '../auth/tokens.js';
import { withTenant } from '../storage/tenancy.js';
import { apiTokens, organizationMembers } from '../storage/schema/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { selectPage } from './editing.js';
import { OrgParams } from './organizations.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { inRequestTenant } from './tenant-tx.js';
import { ApiTokenView, apiTokenView } from './views.js';

const TokenParams = z.object({ tokenId: z.uuid() });
const CreateToken = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(MEMBER_ROLES).default('viewer'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
const CreatedToken = ApiTokenView.extend({ token: z.string().describe('`Authorization: Bearer <token>`; shown only now') });

/** API tokens for integrations: scoped to the organization, with a role no higher than their creator's. */
export function apiTokenRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/organizations/:orgId/api-tokens',
    summary: "An organization's API tokens (prefixes only)",
    tag: 'api-tokens',
    access: access.byParam('api_token.read', 'orgId', 'organizations'),
    params: OrgParams,
    query: PageQuery,
    response: paged(ApiTokenView),
    handler: async ({ request, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const { rows, total } = await selectPage(tx, apiTokens, undefined, desc(apiTokens.createdAt), query);
        return pageOf(rows.map(apiTokenView), total, query);
      }),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/organizations/:orgId/api-tokens',
    summary: 'Create an API token (returned once); it belongs to you and never exceeds your role',
    tag: 'api-tokens',
    access: access.byParam('api_token.manage', 'orgId', 'organizations'),
    params: OrgParams,
    body: CreateToken,
    response: CreatedToken,
    status: 201,
    handler: async ({ request, body }) => {
      const tenant = requireTenant(request);
      if (!canGrant(tenant.role, body.role)) throw forbidden('role_not_grantable', `Your role (${tenant.role}) cannot make a ${body.role} token`);
      const issued = issueToken('api');
      return withTenant(db, tenant.organizationId, async (tx) => {
        let memberId: string | null;
        if (tenant.principal.kind === 'session') {
          const [member] = await tx
            .select({ id: organizationMembers.id })
            .from(organizationMembers)
            .where(and(eq(organizationMembers.userId, tenant.principal.userId), eq(organizationMembers.organizationId, tenant.organizationId)));
          memberId = member!.id;
        } else {
          memberId = tenant.principal.memberId;
        }
        const [row] = await tx
          .insert(apiTokens)
          .values({
            organizationId: tenant.organizationId,
            memberId,
            name: body.name,
            role: body.role,
            tokenHash: issued.hash,
            tokenPrefix: issued.prefix,
            expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null,
          })
          .returning();
        return { ...apiTokenView(row!), token: issued.token };
      });
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/api-tokens/:tokenId',
    summary: 'Revoke an API token (refused from its next request on)',
    tag: 'api-tokens',
    access: access.byParam('api_token.manage', 'tokenId', 'api_tokens'),
    params: TokenParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, async (tx) => {
        const rows = await tx
          .update(apiTokens)
          .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
          .where(and(eq(apiTokens.id, params.tokenId), isNull(apiTokens.revokedAt)))
          .returning({ id: apiTokens.id });
        if (rows.length === 0) throw notFound('No active API token with this id');
      });
    },
  });
}
