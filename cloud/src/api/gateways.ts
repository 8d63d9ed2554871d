import { ClaimGatewayRequest, ClaimGatewayResponse } from '@solarhub/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { notFound } from '../http/errors.js';
import { claimGateway, revokeGateway, rotateGatewayToken } from '../provisioning/claim.js';
import { gateways } from '../storage/schema/index.js';
import { enforceRateLimit } from './auth.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { findLive, provisioning, selectPage, uniquely, updateVersioned } from './editing.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { SiteParams } from './sites.js';
import { inRequestTenant } from './tenant-tx.js';
import { GatewayView, gatewayView } from './views.js';

const GatewayParams = z.object({ gatewayId: z.uuid() });
const UpdateGateway = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  version: z.number().int().min(1),
});
const RotatedToken = z.object({ gatewayId: z.uuid(), token: z.string(), tokenPrefix: z.string() });

/** Gateways: claim with a code (public), list, read, rename, rotate or revoke the token, delete. */
export function gatewayRoutes(ctx: ApiContext): void {
  const { app, registry, db, config } = ctx;

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/gateways/claim',
    summary: 'Exchange a one-time claim code for a new gateway and its token (shown once). No other credentials: the code is one.',
    tag: 'gateways',
    access: access.public,
    body: ClaimGatewayRequest,
    response: ClaimGatewayResponse,
    status: 201,
    handler: async ({ request, reply, body }) => {
      await enforceRateLimit(ctx, `claim:ip:${request.ip}`, config.claimRateLimit, reply);
      const claimed = await provisioning(claimGateway(db, body.code, body.name));
      request.log.info({ gatewayId: claimed.gatewayId, siteId: claimed.siteId }, 'gateway claimed');
      return claimed;
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId/gateways',
    summary: "A site's gateways",
    tag: 'gateways',
    access: access.byParam('gateway.read', 'siteId', 'sites'),
    params: SiteParams,
    query: PageQuery,
    response: paged(GatewayView),
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const where = and(eq(gateways.siteId, params.siteId), isNull(gateways.deletedAt));
        const { rows, total } = await selectPage(tx, gateways, where, asc(gateways.name), query);
        return pageOf(rows.map(gatewayView), total, query);
      }),
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/gateways/:gatewayId',
    summary: 'One gateway (never its token)',
    tag: 'gateways',
    access: access.byParam('gateway.read', 'gatewayId', 'gateways'),
    params: GatewayParams,
    response: GatewayView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => gatewayView(await findLive(tx, gateways, params.gatewayId, 'Gateway'))),
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/gateways/:gatewayId',
    summary: 'Rename or describe a gateway (send the version you read)',
    tag: 'gateways',
    access: access.byParam('gateway.manage', 'gatewayId', 'gateways'),
    params: GatewayParams,
    body: UpdateGateway,
    response: GatewayView,
    handler: async ({ request, params, body }) => {
      const { version, ...set } = body;
      return inRequestTenant(db, request, async (tx) =>
        gatewayView(await uniquely(updateVersioned(tx, gateways, params.gatewayId, version, set, 'Gateway'), 'The site has a gateway with this name', 'body.name')),
      );
    },
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/gateways/:gatewayId/rotate',
    summary: 'Give the gateway a new token (shown once); the old one is refused from now on. Also lifts a revocation.',
    tag: 'gateways',
    access: access.byParam('gateway.manage', 'gatewayId', 'gateways'),
    params: GatewayParams,
    response: RotatedToken,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => {
        const rotated = await provisioning(rotateGatewayToken(tx, params.gatewayId));
        return { gatewayId: params.gatewayId, token: rotated.token, tokenPrefix: rotated.prefix };
      }),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/gateways/:gatewayId/revoke',
    summary: "Refuse the gateway's token from its next request on",
    tag: 'gateways',
    access: access.byParam('gateway.manage', 'gatewayId', 'gateways'),
    params: GatewayParams,
    response: GatewayView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => {
        await provisioning(revokeGateway(tx, params.gatewayId));
        const [row] = await tx.select().from(gateways).where(eq(gateways.id, params.gatewayId));
        return gatewayView(row!);
      }),
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/gateways/:gatewayId',
    summary: 'Delete a gateway (revoked; its devices and readings stay)',
    tag: 'gateways',
    access: access.byParam('gateway.manage', 'gatewayId', 'gateways'),
    params: GatewayParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, async (tx) => {
        const rows = await tx
          .update(gateways)
          .set({ deletedAt: sql`now()`, revokedAt: sql`coalesce(${gateways.revokedAt}, now())` })
          .where(and(eq(gateways.id, params.gatewayId), isNull(gateways.deletedAt)))
          .returning({ id: gateways.id });
        if (rows.length === 0) throw notFound('Gateway not found');
      });
    },
  });
}
