import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireApiPrincipal } from '../auth/request-context.js';
import { parseOrThrow } from '../http/validate.js';
import type { Db } from '../storage/database.js';
import { RangeQuery, siteEnergyView } from '../timeseries/requests.js';
import { siteOfOrganization } from './lookup.js';

const SiteParams = z.object({ siteId: z.uuid() });

/** GET /api/v1/sites/:siteId/energy?from=&to=&bucket=: the site's roll-up in kWh per bucket. */
export function energyRoutes(app: FastifyInstance, db: Db, maxBuckets: number): void {
  app.get('/api/v1/sites/:siteId/energy', async (request) => {
    const { organizationId } = requireApiPrincipal(request);
    const { siteId } = parseOrThrow(SiteParams, request.params, 'params');
    const query = parseOrThrow(RangeQuery, request.query, 'query');
    const site = await siteOfOrganization(db, organizationId, siteId);
    return siteEnergyView(db, site, query, maxBuckets);
  });
}
