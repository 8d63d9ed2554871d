import type { DeviceRow, SiteRow } from '../storage/schema/index.js';

/** How the read API shows its entities (dates as ISO strings). */

export function siteView(site: SiteRow) {
  return {
    id: site.id,
    name: site.name,
    timezone: site.timezone,
    latitude: site.latitude,
    longitude: site.longitude,
    createdAt: site.createdAt.toISOString(),
  };
}

export function deviceView(device: DeviceRow) {
  return {
    id: device.id,
    siteId: device.siteId,
    gatewayId: device.gatewayId,
    key: device.key,
    type: device.type,
    protocol: device.protocol,
    manufacturer: device.manufacturer,
    model: device.model,
    serialNumber: device.serialNumber,
    firmwareVersion: device.firmwareVersion,
    status: device.status,
    lastSeen: device.lastSeenAt?.toISOString() ?? null,
    lastError: device.lastError,
  };
}
