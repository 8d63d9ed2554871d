import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { requireTenant } from '../auth/request-context.js';
import { withTenant } from '../storage/tenancy.js';
import { devices, gateways, sites } from '../storage/schema/index.js';
import { SITE_STATUSES } from '../storage/schema/vocabulary.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { findLive, selectPage, softDeleteRow, uniquely, updateVersioned } from './editing.js';
import { Currency, OrgParams, TimezoneSchema } from './organizations.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { inRequestTenant } from './tenant-tx.js';
import { DeviceView, SiteView, deviceView, siteView } from './views.js';

export const SiteParams = z.object({ siteId: z.uuid() });
const text = (max: number) => z.string().trim().max(max).nullable().optional();

/** A site's installation as people describe it; free-form keys beyond these are kept. */
const SiteConfiguration = z
  .object({
    panelCount: z.number().int().nonnegative().optional(),
    panelWattage: z.number().positive().optional(),
    gridConnected: z.boolean().optional(),
    netMetering: z.boolean().optional(),
    installationDate: z.iso.date().optional(),
    warrantyExpiry: z.iso.date().optional(),
  })
  .catchall(z.unknown());

const SiteFields = z.object({
  name: z.string().trim().min(1).max(200),
  description: text(2000),
  status: z.enum(SITE_STATUSES).optional(),
  timezone: TimezoneSchema.optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  address: z
    .object({ line1: text(200), line2: text(200), city: text(100), region: text(100), postalCode: text(20), country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. "PK"').nullable().optional() })
    .optional(),
  currency: Currency.optional(),
  /** e.g. "LESCO", "IESCO", "K-Electric", "PG&E". */
  utility: text(100),
  tariff: text(100),
  pvCapacityKwp: z.number().nonnegative().nullable().optional(),
  inverterCapacityKw: z.number().nonnegative().nullable().optional(),
  batteryCapacityKwh: z.number().nonnegative().nullable().optional(),
  configuration: SiteConfiguration.optional(),
});
const UpdateSite = SiteFields.partial().extend({ version: z.number().int().min(1) });
const ListSitesQuery = PageQuery.extend({ organizationId: z.uuid().optional() });

/** Site fields to columns (address flattened). */
function columnsOf(body: Partial<z.infer<typeof SiteFields>>) {
  const { address, ...rest } = body;
  const out: Record<string, unknown> = { ...rest };
  if (address) {
    const map = { line1: 'addressLine1', line2: 'addressLine2', city: 'city', region: 'region', postalCode: 'postalCode', country: 'country' } as const;
    for (const [k, column] of Object.entries(map)) {
      const v = address[k as keyof typeof address];
      if (v !== undefined) out[column] = v;
    }
  }
  return out;
}

/** Sites: list, create, read, update (versioned), soft delete (revokes its gateways); a site's devices. */
export function siteRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;
  const live = isNull(sites.deletedAt);
  const listSites = (organizationId: string, page: z.output<typeof PageQuery>) =>
    withTenant(db, organizationId, async (tx) => {
      const { rows, total } = await selectPage(tx, sites, live, asc(sites.name), page);
      return pageOf(rows.map(siteView), total, page);
    });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites',
    summary: "The sites of the caller's organization (API token: its own; user: ?organizationId= unless they have one)",
    tag: 'sites',
    access: access.byPrincipal('site.read'),
    query: ListSitesQuery,
    response: paged(SiteView),
    handler: async ({ request, query }) => listSites(requireTenant(request).organizationId, query),
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/organizations/:orgId/sites',
    summary: "An organization's sites",
    tag: 'sites',
    access: access.byParam('site.read', 'orgId', 'organizations'),
    params: OrgParams,
    query: PageQuery,
    response: paged(SiteView),
    handler: async ({ request, query }) => listSites(requireTenant(request).organizationId, query),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/organizations/:orgId/sites',
    summary: 'Create a site',
    tag: 'sites',
    access: access.byParam('site.create', 'orgId', 'organizations'),
    params: OrgParams,
    body: SiteFields,
    response: SiteView,
    status: 201,
    handler: async ({ request, body }) => {
      const { organizationId } = requireTenant(request);
      return withTenant(db, organizationId, async (tx) => {
        const values = { ...columnsOf(body), organizationId } as typeof sites.$inferInsert;
        const [row] = await uniquely(tx.insert(sites).values(values).returning(), `A site named "${body.name}" exists`, 'body.name');
        return siteView(row!);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId',
    summary: 'One site',
    tag: 'sites',
    access: access.byParam('site.read', 'siteId', 'sites'),
    params: SiteParams,
    response: SiteView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => siteView(await findLive(tx, sites, params.siteId, 'Site'))),
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/sites/:siteId',
    summary: 'Change a site (send the version you read: 409 if it changed)',
    tag: 'sites',
    access: access.byParam('site.update', 'siteId', 'sites'),
    params: SiteParams,
    body: UpdateSite,
    response: SiteView,
    handler: async ({ request, params, body }) => {
      const { version, ...fields } = body;
      return inRequestTenant(db, request, async (tx) =>
        siteView(await uniquely(updateVersioned(tx, sites, params.siteId, version, columnsOf(fields), 'Site'), 'A site with this name exists', 'body.name')),
      );
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/sites/:siteId',
    summary: 'Delete a site: hidden from the API, its history kept, its gateways revoked',
    tag: 'sites',
    access: access.byParam('site.delete', 'siteId', 'sites'),
    params: SiteParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, async (tx) => {
        await softDeleteRow(tx, sites, params.siteId, 'Site');
        await tx
          .update(gateways)
          .set({ revokedAt: sql`coalesce(${gateways.revokedAt}, now())` })
          .where(eq(gateways.siteId, params.siteId));
      });
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId/devices',
    summary: "A site's devices with status and identity",
    tag: 'devices',
    access: access.byParam('device.read', 'siteId', 'sites'),
    params: SiteParams,
    query: PageQuery,
    response: paged(DeviceView),
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const where = and(eq(devices.siteId, params.siteId), isNull(devices.deletedAt));
        const { rows, total } = await selectPage(tx, devices, where, asc(devices.key), query);
        return pageOf(rows.map(deviceView), total, query);
      }),
  });
}
