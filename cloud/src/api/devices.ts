import { DeviceType } from '@solarhub/shared';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { devices } from '../storage/schema/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { findLive, softDeleteRow, updateVersioned } from './editing.js';
import { inRequestTenant } from './tenant-tx.js';
import { DeviceView, deviceView } from './views.js';

const DeviceParams = z.object({ deviceId: z.uuid() });
const text = (max: number) => z.string().trim().max(max).nullable().optional();

/** What people may edit; identity reported by the gateway (firmware, status...) is not here. */
const UpdateDevice = z.object({
  name: text(200),
  description: text(2000),
  type: DeviceType.nullable().optional(),
  manufacturer: text(64),
  model: text(64),
  serialNumber: text(64),
  connection: z.record(z.string(), z.unknown()).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().min(1),
});

/** Device metadata: read, edit (versioned), soft delete. Readings: see measurements.ts. */
export function deviceRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/devices/:deviceId',
    summary: 'One device',
    tag: 'devices',
    access: access.byParam('device.read', 'deviceId', 'devices'),
    params: DeviceParams,
    response: DeviceView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => deviceView(await findLive(tx, devices, params.deviceId, 'Device'))),
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/devices/:deviceId',
    summary: "Edit a device's metadata (send the version you read: 409 if it changed)",
    tag: 'devices',
    access: access.byParam('device.update', 'deviceId', 'devices'),
    params: DeviceParams,
    body: UpdateDevice,
    response: DeviceView,
    handler: async ({ request, params, body }) => {
      const { version, ...set } = body;
      return inRequestTenant(db, request, async (tx) =>
        deviceView(await updateVersioned(tx, devices, params.deviceId, version, set, 'Device')),
      );
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/devices/:deviceId',
    summary: 'Delete a device: hidden from the API, its readings kept',
    tag: 'devices',
    access: access.byParam('device.delete', 'deviceId', 'devices'),
    params: DeviceParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, (tx) => softDeleteRow(tx, devices, params.deviceId, 'Device'));
    },
  });
}
