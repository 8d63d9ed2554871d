import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { requireTenant } from '../auth/request-context.js';
import { badRequest, notFound } from '../http/errors.js';
import type { Tx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { withTenant } from '../storage/tenancy.js';
import { devices, meters } from '../storage/schema/index.js';
import { METER_CATEGORIES, READING_FREQUENCIES } from '../storage/schema/vocabulary.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { findLive, selectPage, softDeleteRow, uniquely, updateVersioned } from './editing.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { SiteParams } from './sites.js';
import { inRequestTenant } from './tenant-tx.js';
import { MeterView, meterView } from './views.js';

const MeterParams = z.object({ meterId: z.uuid() });
const MeterFields = z.object({
  name: z.string().trim().min(1).max(200),
  category: z.enum(METER_CATEGORIES),
  readingFrequency: z.enum(READING_FREQUENCIES).optional(),
  parentMeterId: z.uuid().nullable().optional(),
  deviceId: z.uuid().nullable().optional(),
  capacityKw: z.number().nonnegative().nullable().optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const UpdateMeter = MeterFields.partial().extend({ version: z.number().int().min(1) });

/** Parent and device must be live and on the same site; a parent may not be the meter itself or below it. */
async function checkLinks(tx: Tx, siteId: string, meterId: string | null, body: { parentMeterId?: string | null; deviceId?: string | null }) {
  if (body.parentMeterId) {
    const [parent] = await tx
      .select({ id: meters.id })
      .from(meters)
      .where(and(eq(meters.id, body.parentMeterId), eq(meters.siteId, siteId), isNull(meters.deletedAt)));
    if (!parent) throw badRequest('invalid_parent', 'The parent meter is not a meter of this site', [{ path: 'body.parentMeterId', message: 'no such meter on this site' }]);
    if (meterId) {
      const [cycle] = await queryRows<{ found: boolean }>(
        tx,
        sql`WITH RECURSIVE up(id, parent) AS (
              SELECT id, parent_meter_id FROM meters WHERE id = ${body.parentMeterId}::uuid
              UNION SELECT m.id, m.parent_meter_id FROM meters m JOIN up ON m.id = up.parent)
            SELECT EXISTS (SELECT 1 FROM up WHERE id = ${meterId}::uuid) AS found`,
      );
      if (cycle?.found) throw badRequest('meter_cycle', 'A meter cannot be below itself', [{ path: 'body.parentMeterId', message: 'would make a cycle' }]);
    }
  }
  if (body.deviceId) {
    const [device] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.id, body.deviceId), eq(devices.siteId, siteId), isNull(devices.deletedAt)));
    if (!device) throw badRequest('invalid_device', 'The device is not a device of this site', [{ path: 'body.deviceId', message: 'no such device on this site' }]);
  }
}

/** Meters: a site's hierarchy of measuring points. */
export function meterRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/sites/:siteId/meters',
    summary: "A site's meters (parentMeterId gives the hierarchy)",
    tag: 'meters',
    access: access.byParam('meter.read', 'siteId', 'sites'),
    params: SiteParams,
    query: PageQuery,
    response: paged(MeterView),
    handler: async ({ request, params, query }) =>
      inRequestTenant(db, request, async (tx) => {
        const { rows, total } = await selectPage(tx, meters, and(eq(meters.siteId, params.siteId), isNull(meters.deletedAt)), asc(meters.name), query);
        return pageOf(rows.map(meterView), total, query);
      }),
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/sites/:siteId/meters',
    summary: 'Add a meter to a site',
    tag: 'meters',
    access: access.byParam('meter.write', 'siteId', 'sites'),
    params: SiteParams,
    body: MeterFields,
    response: MeterView,
    status: 201,
    handler: async ({ request, params, body }) => {
      const { organizationId } = requireTenant(request);
      return withTenant(db, organizationId, async (tx) => {
        await checkLinks(tx, params.siteId, null, body);
        const insert = tx.insert(meters).values({ ...body, organizationId, siteId: params.siteId }).returning();
        const [row] = await uniquely(insert, `The site has a meter named "${body.name}"`, 'body.name');
        return meterView(row!);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/meters/:meterId',
    summary: 'One meter',
    tag: 'meters',
    access: access.byParam('meter.read', 'meterId', 'meters'),
    params: MeterParams,
    response: MeterView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => meterView(await findLive(tx, meters, params.meterId, 'Meter'))),
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/meters/:meterId',
    summary: 'Change a meter (send the version you read: 409 if it changed)',
    tag: 'meters',
    access: access.byParam('meter.write', 'meterId', 'meters'),
    params: MeterParams,
    body: UpdateMeter,
    response: MeterView,
    handler: async ({ request, params, body }) => {
      const { version, ...set } = body;
      return inRequestTenant(db, request, async (tx) => {
        const [current] = await tx.select({ siteId: meters.siteId }).from(meters).where(eq(meters.id, params.meterId));
        if (!current) throw notFound('Meter not found');
        await checkLinks(tx, current.siteId, params.meterId, set);
        return meterView(await uniquely(updateVersioned(tx, meters, params.meterId, version, set, 'Meter'), 'The site has a meter with this name', 'body.name'));
      });
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/meters/:meterId',
    summary: 'Delete a meter (its children move up to no parent)',
    tag: 'meters',
    access: access.byParam('meter.write', 'meterId', 'meters'),
    params: MeterParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, async (tx) => {
        await softDeleteRow(tx, meters, params.meterId, 'Meter');
        await tx.update(meters).set({ parentMeterId: null }).where(eq(meters.parentMeterId, params.meterId));
      });
    },
  });
}
