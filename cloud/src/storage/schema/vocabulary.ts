/**
 * The fixed vocabularies of the data model, as data: the database holds them
 * as text with CHECK constraints (adding a value is a plain migration), the
 * API validates them with z.enum() over the same arrays.
 */

/** Roles of an organization member, from most to least powerful (see auth/permissions.ts). */
export const MEMBER_ROLES = ['owner', 'admin', 'manager', 'installer', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const SITE_STATUSES = ['active', 'inactive', 'maintenance', 'decommissioned'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

/** What a meter measures: production (PV, generator), consumption (loads), storage (battery), grid injection/import point. */
export const METER_CATEGORIES = ['production', 'consumption', 'storage', 'grid_injection'] as const;
export type MeterCategory = (typeof METER_CATEGORIES)[number];

export const READING_FREQUENCIES = ['1s', '1min', '5min', '15min', 'hourly', 'daily'] as const;
export type ReadingFrequency = (typeof READING_FREQUENCIES)[number];

export const ENERGY_SOURCE_TYPES = ['grid', 'solar', 'battery', 'generator', 'wind', 'chp', 'hydrogen', 'other'] as const;
export type EnergySourceType = (typeof ENERGY_SOURCE_TYPES)[number];
