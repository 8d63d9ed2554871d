import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { requirePrincipal } from '../auth/request-context.js';
import { forbidden, notFound } from '../http/errors.js';
import { organizationMembers, organizations } from '../storage/schema/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { updateVersioned } from './editing.js';
import { inRequestTenant } from './tenant-tx.js';
import { OrganizationView, organizationView } from './views.js';

export const OrgParams = z.object({ orgId: z.uuid() });
export const TimezoneSchema = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as "Asia/Karachi"');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "PKR"');

const OrganizationFields = z.object({
  name: z.string().trim().min(1).max(200),
  measurementRetentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
  defaultTimezone: TimezoneSchema.optional(),
  defaultCurrency: Currency.optional(),
});
const CreateOrganization = OrganizationFields;
const UpdateOrganization = OrganizationFields.partial().extend({ version: z.number().int().min(1) });
const OrganizationList = z.object({ items: z.array(OrganizationView.extend({ role: z.string() })) });

/** Organizations: list mine, create (I become owner), read, update, delete (owner). */
export function organizationRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/organizations',
    summary: "The caller's organizations with the caller's role in each",
    tag: 'organizations',
    access: access.user,
    response: OrganizationList,
    handler: async ({ request }) => {
      const principal = requirePrincipal(request);
      if (principal.kind === 'api_token') {
        const [org] = await db.select().from(organizations).where(eq(organizations.id, principal.organizationId));
        return { items: org ? [{ ...organizationView(org), role: principal.role }] : [] };
      }
      const rows = await db
        .select({ org: organizations, role: organizationMembers.role })
        .from(organizationMembers)
        .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
        .where(eq(organizationMembers.userId, principal.userId))
        .orderBy(asc(organizations.name));
      return { items: rows.map((r) => ({ ...organizationView(r.org), role: r.role })) };
    },
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/organizations',
    summary: 'Create an organization; the signed-in user becomes its owner',
    tag: 'organizations',
    access: access.user,
    body: CreateOrganization,
    response: OrganizationView,
    status: 201,
    handler: async ({ request, body }) => {
      const principal = requirePrincipal(request);
      if (principal.kind !== 'session') throw forbidden('session_required', 'Organizations are created by signed-in users, not API tokens');
      return db.transaction(async (tx) => {
        const [org] = await tx.insert(organizations).values(body).returning();
        await tx.insert(organizationMembers).values({ organizationId: org!.id, userId: principal.userId, role: 'owner' });
        return organizationView(org!);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/organizations/:orgId',
    summary: 'One organization',
    tag: 'organizations',
    access: access.byParam('organization.read', 'orgId', 'organizations'),
    params: OrgParams,
    response: OrganizationView,
    handler: async ({ request, params }) =>
      inRequestTenant(db, request, async (tx) => {
        const [org] = await tx.select().from(organizations).where(eq(organizations.id, params.orgId));
        if (!org) throw notFound('Organization not found');
        return organizationView(org);
      }),
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/organizations/:orgId',
    summary: 'Change name, retention or defaults (send the version you read: 409 if it changed)',
    tag: 'organizations',
    access: access.byParam('organization.update', 'orgId', 'organizations'),
    params: OrgParams,
    body: UpdateOrganization,
    response: OrganizationView,
    handler: async ({ request, params, body }) => {
      const { version, ...set } = body;
      return inRequestTenant(db, request, async (tx) =>
        organizationView(await updateVersioned(tx, organizations, params.orgId, version, set, 'Organization')),
      );
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/organizations/:orgId',
    summary: 'Delete an organization and everything in it (owner only)',
    tag: 'organizations',
    access: access.byParam('organization.delete', 'orgId', 'organizations'),
    params: OrgParams,
    status: 204,
    handler: async ({ request, params }) => {
      await inRequestTenant(db, request, (tx) => tx.delete(organizations).where(eq(organizations.id, params.orgId)));
    },
  });
}

