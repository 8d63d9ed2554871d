import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireApiPrincipal } from '../auth/request-context.js';
import { parseOrThrow } from '../http/validate.js';
import type { Db } from '../storage/database.js';
import { devices, sites } from '../storage/schema/index.js';
import { siteOfOrganization } from './lookup.js';
import { deviceView, siteView } from './views.js';

const SiteParams = z.object({ siteId: z.uuid() });

/** GET /api/v1/sites and GET /api/v1/sites/:siteId/devices. */
export function siteRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/v1/sites', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const rows = await db.select().from(sites).where(eq(sites.organizationId, organizationId)).orderBy(asc(sites.name));
    return { items: rows.map(siteView) };
  });

  app.get('/api/v1/sites/:siteId/devices', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const { siteId } = parseOrThrow(SiteParams, request.params, 'params');
    await siteOfOrganization(db, organizationId, siteId);
    const rows = await db.select().from(devices).where(eq(devices.siteId, siteId)).orderBy(asc(devices.key));
    return { items: rows.map(deviceView) };
  });
}
