import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { requireTenant } from '../auth/request-context.js';
import { badRequest } from '../http/errors.js';
import { withTenant } from '../storage/tenancy.js';
import { energySources, meters } from '../storage/schema/index.js';
import { ENERGY_SOURCE_TYPES } from '../storage/schema/vocabulary.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { selectPage, softDeleteRow, updateVersioned } from './editing.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { SiteParams } from './sites.js';
import { inRequestTenant } from './tenant-tx.js';
import { EnergySourceView, energySourceView } from './views.js';

const SourceParams = z.object({ sourceId: z.uuid() });
const SourceFields = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(ENERGY_SOURCE_TYPES),
  meterId: z.uuid().nullable().optional(),
  capacityKw: z.number().nonnegative().nullable().optional(),
  capacityKwh: z.number().nonnegative().nullable().optional(),
  carbonIntensity: z.number().nonnegative().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const UpdateSource = SourceFields.partial().extend({ version: z.number().int().min(1) });

/** Energy sources of a site (grid, PV array, battery, generator...), each optionally measured by a meter. */
export function energySourceRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;
  const checkMeter = async (tx: Parameters<Parameters<typeof withTenant>[2]>[0], siteId: string, meterId: string | null | undefined) => {
    if (!meterId) return;
    const [m] = await tx.select({ id: meters.id }).from(meters).where(and(eq(meters.id, meterId), eq(meters.siteId, siteId), isNull(meters.deletedAt)));
    if (!m) throw badRequest('invalid_meter', 'The meter is not a meter of this site', [{ path: 'body.meterId', message: 'no such meter on this site' }]);
  };

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId/energy-sources',
    summary: "A site's energy sources",
    tag: 'meters',
    access: access.byParam('meter.read', 'siteId', 'sites'),
    params: SiteParams,
    query: PageQuery,
    response: paged(EnergySourceView),
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const where = and(eq(energySources.siteId, params.siteId), isNull(energySources.deletedAt));
        const { rows, total } = await selectPage(tx, energySources, where, asc(energySources.name), query);
        return pageOf(rows.map(energySourceView), total, query);
      }),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/sites/:siteId/energy-sources',
    summary: 'Add an energy source to a site',
    tag: 'meters',
    access: access.byParam('meter.write', 'siteId', 'sites'),
    params: SiteParams,
    body: SourceFields,
    response: EnergySourceView,
    status: 201,
    handler: async ({ request, params, body }) => {
      const { organizationId } = requireTenant(request);
      return withTenant(db, organizationId, async (tx) => {
        await checkMeter(tx, params.siteId, body.meterId);
        const [row] = await tx.insert(energySources).values({ ...body, organizationId, siteId: params.siteId }).returning();
        return energySourceView(row!);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/energy-sources/:sourceId',
    summary: 'Change an energy source (send the version you read)',
    tag: 'meters',
    access: access.byParam('meter.write', 'sourceId', 'energy_sources'),
    params: SourceParams,
    body: UpdateSource,
    response: EnergySourceView,
    handler: async ({ request, params, body }) => {
      const { version, ...set } = body;
      return inRequestTenant(db, request, async (tx) => {
        const [current] = await tx.select({ siteId: energySources.siteId }).from(energySources).where(eq(energySources.id, params.sourceId));
        if (current) await checkMeter(tx, current.siteId, set.meterId);
        return energySourceView(await updateVersioned(tx, energySources, params.sourceId, version, set, 'Energy source'));
      });
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/energy-sources/:sourceId',
    summary: 'Delete an energy source',
    tag: 'meters',
    access: access.byParam('meter.write', 'sourceId', 'energy_sources'),
    params: SourceParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, (tx) => softDeleteRow(tx, energySources, params.sourceId, 'Energy source'));
    },
  });
}
