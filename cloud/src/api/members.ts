import { and, asc, count, eq, ne, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { canGrant, MEMBER_ROLES, type MemberRole } from '../auth/permissions.js';
import { requireTenant, userIdOf } from '../auth/request-context.js';
import { forbidden, HttpError, notFound } from '../http/errors.js';
import { ensureUser, issueResetTokenFor, normalizeEmail } from '../provisioning/users.js';
import type { Tx } from '../storage/database.js';
import { withTenant } from '../storage/tenancy.js';
import { organizationMembers, users } from '../storage/schema/index.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { updateVersioned } from './editing.js';
import { OrgParams } from './organizations.js';
import { PageQuery, pageOf, paged } from './pagination.js';
import { MemberView } from './views.js';

const MemberParams = z.object({ memberId: z.uuid() });
const Role = z.enum(MEMBER_ROLES);
const AddMember = z.object({ email: z.email().max(320), role: Role, name: z.string().trim().max(200).optional() });
const UpdateMember = z.object({ role: Role, version: z.number().int().min(1) });
const AddedMember = MemberView.extend({
  /** Only when the email had no account: a one-time token (7 days) for POST /auth/password-reset. Hand it to the person. */
  setupToken: z.string().nullable(),
});

const SETUP_TOKEN_TTL_MS = 7 * 24 * 3_600_000;

/** Members with their user's email and name, as the API shows them. */
async function memberViews(tx: Tx, where: SQL | undefined, page?: PageQuery) {
  const query = tx
    .select({ m: organizationMembers, email: users.email, name: users.name })
    .from(organizationMembers)
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(where)
    .orderBy(asc(users.email));
  const rows = page ? await query.limit(page.limit).offset(page.offset) : await query;
  return rows.map((row) => ({
    id: row.m.id,
    organizationId: row.m.organizationId,
    userId: row.m.userId,
    email: row.email,
    name: row.name,
    role: row.m.role,
    version: row.m.version,
    createdAt: row.m.createdAt.toISOString(),
  }));
}

async function memberView(tx: Tx, memberId: string) {
  const [view] = await memberViews(tx, eq(organizationMembers.id, memberId));
  if (!view) throw notFound('Member not found');
  return view;
}

function assertCanGrant(granter: MemberRole, role: MemberRole): void {
  if (!canGrant(granter, role)) throw forbidden('role_not_grantable', `Your role (${granter}) cannot give the role ${role}`);
}

/** Refuses to leave an organization without an owner. */
async function assertOtherOwner(tx: Tx, organizationId: string, memberId: string): Promise<void> {
  const [row] = await tx
    .select({ n: count() })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.role, 'owner'), ne(organizationMembers.id, memberId)));
  if (Number(row?.n ?? 0) === 0) throw new HttpError(409, 'last_owner', 'An organization keeps at least one owner');
}

/** Members: list, add by email, change role, remove. Nobody grants more than they have; only owners touch owners. */
export function memberRoutes(ctx: ApiContext): void {
  const { app, registry, db } = ctx;

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/organizations/:orgId/members',
    summary: "An organization's members",
    tag: 'members',
    access: access.byParam('member.read', 'orgId', 'organizations'),
    params: OrgParams,
    query: PageQuery,
    response: paged(MemberView),
    handler: async ({ request, query }) => {
      const tenant = requireTenant(request);
      return withTenant(db, tenant.organizationId, async (tx) => {
        const mine = eq(organizationMembers.organizationId, tenant.organizationId);
        const [total] = await tx.select({ n: count() }).from(organizationMembers).where(mine);
        return pageOf(await memberViews(tx, mine, query), Number(total?.n ?? 0), query);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/organizations/:orgId/members',
    summary: 'Add a member by email (an account is created when the email has none; its setup token is returned once)',
    tag: 'members',
    access: access.byParam('member.manage', 'orgId', 'organizations'),
    params: OrgParams,
    body: AddMember,
    response: AddedMember,
    status: 201,
    handler: async ({ request, body }) => {
      const tenant = requireTenant(request);
      assertCanGrant(tenant.role, body.role);
      // Finding or creating the account is the system's business (users are not tenant rows)...
      const { userId, created } = await ensureUser(db, normalizeEmail(body.email), null, body.name);
      const setup = created ? await issueResetTokenFor(db, userId, SETUP_TOKEN_TTL_MS) : null;
      // ...the membership is the tenant's.
      return withTenant(db, tenant.organizationId, async (tx) => {
        const [member] = await tx
          .insert(organizationMembers)
          .values({ organizationId: tenant.organizationId, userId, role: body.role, invitedBy: userIdOf(tenant.principal) })
          .onConflictDoNothing()
          .returning({ id: organizationMembers.id });
        if (!member) throw new HttpError(409, 'already_member', `${normalizeEmail(body.email)} is already a member`, [{ path: 'body.email', message: 'already a member' }]);
        return { ...(await memberView(tx, member.id)), setupToken: setup?.token ?? null };
      });
    },
  });

  defineRoute(app, registry, {
    method: 'PATCH',
    url: '/api/v1/members/:memberId',
    summary: "Change a member's role (send the version you read)",
    tag: 'members',
    access: access.byParam('member.manage', 'memberId', 'members'),
    params: MemberParams,
    body: UpdateMember,
    response: MemberView,
    handler: async ({ request, params, body }) => {
      const tenant = requireTenant(request);
      assertCanGrant(tenant.role, body.role);
      return withTenant(db, tenant.organizationId, async (tx) => {
        const current = await memberView(tx, params.memberId);
        assertCanGrant(tenant.role, current.role);
        if (current.role === 'owner' && body.role !== 'owner') await assertOtherOwner(tx, tenant.organizationId, params.memberId);
        await updateVersioned(tx, organizationMembers, params.memberId, body.version, { role: body.role }, 'Member');
        return memberView(tx, params.memberId);
      });
    },
  });

  defineRoute(app, registry, {
    method: 'DELETE',
    url: '/api/v1/members/:memberId',
    summary: 'Remove a member (their API tokens go with them)',
    tag: 'members',
    access: access.byParam('member.manage', 'memberId', 'members'),
    params: MemberParams,
    status: 204,
    handler: async ({ request, params }) => {
      const tenant = requireTenant(request);
      await withTenant(db, tenant.organizationId, async (tx) => {
        const current = await memberView(tx, params.memberId);
        assertCanGrant(tenant.role, current.role);
        if (current.role === 'owner') await assertOtherOwner(tx, tenant.organizationId, params.memberId);
        await tx.delete(organizationMembers).where(eq(organizationMembers.id, params.memberId));
      });
    },
  });
}
