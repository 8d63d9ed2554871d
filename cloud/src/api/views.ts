import { z } from 'zod';
import type {
  ApiTokenRow,
  ClaimCodeRow,
  DeviceRow,
  EnergySourceRow,
  GatewayRow,
  MeterRow,
  OrganizationRow,
  SiteRow,
} from '../storage/schema/index.js';
import {
  ENERGY_SOURCE_TYPES,
  MEMBER_ROLES,
  METER_CATEGORIES,
  READING_FREQUENCIES,
  SITE_STATUSES,
} from '../storage/schema/vocabulary.js';

/** How the API shows its entities: one zod schema per shape (the OpenAPI document uses them), dates as ISO strings. */

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
const Id = z.uuid();
const Time = z.iso.datetime({ offset: true });
const Json = z.record(z.string(), z.unknown());

export const OrganizationView = z.object({
  id: Id,
  name: z.string(),
  measurementRetentionDays: z.number().int().nullable(),
  defaultTimezone: z.string(),
  defaultCurrency: z.string(),
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
});
export const organizationView = (o: OrganizationRow): z.infer<typeof OrganizationView> => ({
  id: o.id,
  name: o.name,
  measurementRetentionDays: o.measurementRetentionDays,
  defaultTimezone: o.defaultTimezone,
  defaultCurrency: o.defaultCurrency,
  version: o.version,
  createdAt: iso(o.createdAt),
  updatedAt: iso(o.updatedAt),
});

export const MemberView = z.object({
  id: Id,
  organizationId: Id,
  userId: Id,
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(MEMBER_ROLES),
  version: z.number().int(),
  createdAt: Time,
});

export const SiteView = z.object({
  id: Id,
  organizationId: Id,
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(SITE_STATUSES),
  timezone: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  address: z.object({
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
  }),
  currency: z.string(),
  utility: z.string().nullable(),
  tariff: z.string().nullable(),
  pvCapacityKwp: z.number().nullable(),
  inverterCapacityKw: z.number().nullable(),
  batteryCapacityKwh: z.number().nullable(),
  configuration: Json,
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
});
export function siteView(s: SiteRow): z.infer<typeof SiteView> {
  return {
    id: s.id,
    organizationId: s.organizationId,
    name: s.name,
    description: s.description,
    status: s.status,
    timezone: s.timezone,
    latitude: s.latitude,
    longitude: s.longitude,
    address: { line1: s.addressLine1, line2: s.addressLine2, city: s.city, region: s.region, postalCode: s.postalCode, country: s.country },
    currency: s.currency,
    utility: s.utility,
    tariff: s.tariff,
    pvCapacityKwp: s.pvCapacityKwp,
    inverterCapacityKw: s.inverterCapacityKw,
    batteryCapacityKwh: s.batteryCapacityKwh,
    configuration: s.configuration,
    version: s.version,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export const DeviceView = z.object({
  id: Id,
  siteId: Id,
  gatewayId: Id,
  key: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  type: z.string().nullable(),
  protocol: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  connection: Json.nullable(),
  metadata: Json,
  status: z.string(),
  lastSeen: Time.nullable(),
  lastError: z.string().nullable(),
  version: z.number().int(),
});
export function deviceView(d: DeviceRow): z.infer<typeof DeviceView> {
  return {
    id: d.id,
    siteId: d.siteId,
    gatewayId: d.gatewayId,
    key: d.key,
    name: d.name,
    description: d.description,
    type: d.type,
    protocol: d.protocol,
    manufacturer: d.manufacturer,
    model: d.model,
    serialNumber: d.serialNumber,
    firmwareVersion: d.firmwareVersion,
    connection: d.connection,
    metadata: d.metadata,
    status: d.status,
    lastSeen: isoOrNull(d.lastSeenAt),
    lastError: d.lastError,
    version: d.version,
  };
}

export const MeterView = z.object({
  id: Id,
  siteId: Id,
  parentMeterId: Id.nullable(),
  deviceId: Id.nullable(),
  name: z.string(),
  category: z.enum(METER_CATEGORIES),
  readingFrequency: z.enum(READING_FREQUENCIES),
  capacityKw: z.number().nullable(),
  description: z.string().nullable(),
  metadata: Json,
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
});
export const meterView = (m: MeterRow): z.infer<typeof MeterView> => ({
  id: m.id,
  siteId: m.siteId,
  parentMeterId: m.parentMeterId,
  deviceId: m.deviceId,
  name: m.name,
  category: m.category,
  readingFrequency: m.readingFrequency,
  capacityKw: m.capacityKw,
  description: m.description,
  metadata: m.metadata,
  version: m.version,
  createdAt: iso(m.createdAt),
  updatedAt: iso(m.updatedAt),
});

export const EnergySourceView = z.object({
  id: Id,
  siteId: Id,
  meterId: Id.nullable(),
  name: z.string(),
  type: z.enum(ENERGY_SOURCE_TYPES),
  capacityKw: z.number().nullable(),
  capacityKwh: z.number().nullable(),
  carbonIntensity: z.number().nullable(),
  metadata: Json,
  version: z.number().int(),
});
export const energySourceView = (e: EnergySourceRow): z.infer<typeof EnergySourceView> => ({
  id: e.id,
  siteId: e.siteId,
  meterId: e.meterId,
  name: e.name,
  type: e.type,
  capacityKw: e.capacityKw,
  capacityKwh: e.capacityKwh,
  carbonIntensity: e.carbonIntensity,
  metadata: e.metadata,
  version: e.version,
});

export const GatewayView = z.object({
  id: Id,
  siteId: Id,
  name: z.string(),
  description: z.string().nullable(),
  tokenPrefix: z.string(),
  tokenRotatedAt: Time.nullable(),
  revokedAt: Time.nullable(),
  claimedAt: Time.nullable(),
  lastSeen: Time.nullable(),
  version: z.number().int(),
  createdAt: Time,
});
export const gatewayView = (g: GatewayRow): z.infer<typeof GatewayView> => ({
  id: g.id,
  siteId: g.siteId,
  name: g.name,
  description: g.description,
  tokenPrefix: g.tokenPrefix,
  tokenRotatedAt: isoOrNull(g.tokenRotatedAt),
  revokedAt: isoOrNull(g.revokedAt),
  claimedAt: isoOrNull(g.claimedAt),
  lastSeen: isoOrNull(g.lastSeenAt),
  version: g.version,
  createdAt: iso(g.createdAt),
});

export const ClaimCodeView = z.object({
  id: Id,
  siteId: Id,
  hint: z.string(),
  gatewayName: z.string().nullable(),
  expiresAt: Time,
  usedAt: Time.nullable(),
  gatewayId: Id.nullable(),
  revokedAt: Time.nullable(),
  createdAt: Time,
});
export const claimCodeView = (c: ClaimCodeRow): z.infer<typeof ClaimCodeView> => ({
  id: c.id,
  siteId: c.siteId,
  hint: c.codeHint,
  gatewayName: c.gatewayName,
  expiresAt: iso(c.expiresAt),
  usedAt: isoOrNull(c.usedAt),
  gatewayId: c.gatewayId,
  revokedAt: isoOrNull(c.revokedAt),
  createdAt: iso(c.createdAt),
});

export const ApiTokenView = z.object({
  id: Id,
  name: z.string(),
  role: z.enum(MEMBER_ROLES),
  memberId: Id.nullable(),
  tokenPrefix: z.string(),
  expiresAt: Time.nullable(),
  lastUsedAt: Time.nullable().describe('Last authentication with the token, to the minute (null: never used)'),
  revokedAt: Time.nullable(),
  createdAt: Time,
});
export const apiTokenView = (t: ApiTokenRow): z.infer<typeof ApiTokenView> => ({
  id: t.id,
  name: t.name,
  role: t.role,
  memberId: t.memberId,
  tokenPrefix: t.tokenPrefix,
  expiresAt: isoOrNull(t.expiresAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
  createdAt: iso(t.createdAt),
});
