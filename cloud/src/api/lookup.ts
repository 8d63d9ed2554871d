import { and, eq } from 'drizzle-orm';
import { notFound } from '../http/errors.js';
import type { DbOrTx } from '../storage/database.js';
import { devices, sites, type DeviceRow, type SiteRow } from '../storage/schema/index.js';

/** The site if it belongs to the organization; 404 otherwise (other tenants' ids are indistinguishable from unknown ones). */
export async function siteOfOrganization(db: DbOrTx, organizationId: string, siteId: string): Promise<SiteRow> {
  const [site] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.id, siteId), eq(sites.organizationId, organizationId)));
  if (!site) throw notFound('Site not found', [{ path: 'params.siteId', message: `no site ${siteId}` }]);
  return site;
}

export async function deviceOfOrganization(db: DbOrTx, organizationId: string, deviceId: string): Promise<DeviceRow> {
  const [row] = await db
    .select({ device: devices })
    .from(devices)
    .innerJoin(sites, eq(sites.id, devices.siteId))
    .where(and(eq(devices.id, deviceId), eq(sites.organizationId, organizationId)));
  if (!row) throw notFound('Device not found', [{ path: 'params.deviceId', message: `no device ${deviceId}` }]);
  return row.device;
}
