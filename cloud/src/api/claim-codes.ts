import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { requireTenant, userIdOf } from '../auth/request-context.js';
import { notFound } from '../http/errors.js';
import { createClaimCode } from '../provisioning/claim.js';
import { withTenant } from '../storage/tenancy.js';
import { claimCodes } from '../storage/schema/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { provisioning, selectPage } from './editing.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { SiteParams } from './sites.js';
import { inRequestTenant } from './tenant-tx.js';
import { ClaimCodeView, claimCodeView } from './views.js';

const ClaimCodeParams = z.object({ claimCodeId: z.uuid() });
const CreateClaimCode = z.object({
  /** Hours until the code expires (default 24, at most 30 days). */
  expiresInHours: z.number().positive().max(720).default(24),
  gatewayName: z.string().trim().min(1).max(100).optional(),
});
const CreatedClaimCode = ClaimCodeView.extend({ code: z.string().describe('the code to type on the gateway; shown only now') });

/** Claim codes: an installer makes one for a site and types it on the gateway (POST /gateways/claim). */
export function claimCodeRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId/claim-codes',
    summary: "A site's claim codes (hints only; codes are shown once)",
    tag: 'gateways',
    access: access.byParam('claim_code.read', 'siteId', 'sites'),
    params: SiteParams,
    query: PageQuery,
    response: paged(ClaimCodeView),
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const { rows, total } = await selectPage(tx, claimCodes, eq(claimCodes.siteId, params.siteId), desc(claimCodes.createdAt), query);
        return pageOf(rows.map(claimCodeView), total, query);
      }),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/sites/:siteId/claim-codes',
    summary: 'Create a one-time, expiring claim code for a new gateway on this site',
    tag: 'gateways',
    access: access.byParam('claim_code.manage', 'siteId', 'sites'),
    params: SiteParams,
    body: CreateClaimCode,
    response: CreatedClaimCode,
    status: 201,
    handler: async ({ request, params, body }) => {
      const tenant = requireTenant(request);
      return withTenant(db, tenant.organizationId, async (tx) => {
        const created = await provisioning(
          createClaimCode(tx, {
            siteId: params.siteId,
            ttlMs: body.expiresInHours * 3_600_000,
            gatewayName: body.gatewayName,
            createdBy: userIdOf(tenant.principal),
          }),
        );
        return { ...claimCodeView(created.row), code: created.code };
      });
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/claim-codes/:claimCodeId',
    summary: 'Revoke an unused claim code',
    tag: 'gateways',
    access: access.byParam('claim_code.manage', 'claimCodeId', 'claim_codes'),
    params: ClaimCodeParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, async (tx) => {
        const rows = await tx
          .update(claimCodes)
          .set({ revokedAt: sql`coalesce(${claimCodes.revokedAt}, now())` })
          .where(and(eq(claimCodes.id, params.claimCodeId), isNull(claimCodes.usedAt)))
          .returning({ id: claimCodes.id });
        if (rows.length === 0) throw notFound('No unused claim code with this id');
      });
    },
  });
}
