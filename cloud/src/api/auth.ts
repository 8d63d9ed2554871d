import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { access } from '../auth/access.js';
import { dummyHash, verifyPassword } from '../auth/passwords.js';
import { clearRateLimit, hitRateLimit, type RateLimitRule } from '../auth/rate-limit.js';
import { requirePrincipal } from '../auth/request-context.js';
import { clearSessionCookie, createSession, deleteSession, setSessionCookie } from '../auth/sessions.js';
import { HttpError, unauthorized } from '../http/errors.js';
import { normalizeEmail, resetPassword } from '../provisioning/users.js';
import { queryRows } from '../storage/rows.js';
import { users } from '../storage/schema/index.js';
import { MEMBER_ROLES } from '../storage/schema/vocabulary.js';
import type { ApiContext } from './context.js';
import { defineRoute } from './define.js';
import { provisioning } from './editing.js';

export const Password = z.string().min(10, 'at least 10 characters').max(256);

const LoginBody = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(256) });
const Membership = z.object({ organizationId: z.uuid(), name: z.string(), role: z.enum(MEMBER_ROLES) });
const SessionView = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
  memberships: z.array(Membership),
  /** Send it as X-CSRF-Token on every POST/PATCH/PUT/DELETE made with the session cookie. */
  csrfToken: z.string(),
});
const ResetBody = z.object({ token: z.string().min(1).max(128), password: Password });

/** Throws 429 with Retry-After when a counter is over its limit. */
export async function enforceRateLimit(ctx: ApiContext, key: string, rule: RateLimitRule, reply: { header(k: string, v: string): unknown }) {
  const hit = await hitRateLimit(ctx.db, key, rule);
  if (hit.allowed) return;
  reply.header('retry-after', String(Math.ceil(hit.retryAfterMs / 1000)));
  throw new HttpError(429, 'rate_limited', `Too many attempts: try again in ${Math.ceil(hit.retryAfterMs / 1000)} s`);
}

async function sessionView(ctx: ApiContext, userId: string, csrfToken: string): Promise<z.infer<typeof SessionView>> {
  const [user] = await ctx.db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  const memberships = await queryRows<{ organization_id: string; name: string; role: (typeof MEMBER_ROLES)[number] }>(
    ctx.db,
    sql`SELECT m.organization_id, o.name, m.role FROM organization_members m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = ${userId}::uuid ORDER BY o.name`,
  );
  return {
    user: user!,
    memberships: memberships.map((m) => ({ organizationId: m.organization_id, name: m.name, role: m.role })),
    csrfToken,
  };
}

/** Sign in and out, the current session, password reset. Login runs as the system (no tenant yet). */
export function authRoutes(ctx: ApiContext): void {
  const { app, registry, config } = ctx;
  const settings = { ttlMs: config.sessionTtlMs, cookieSecure: config.cookieSecure };
  let dummy: Promise<string> | undefined;

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Sign in with email and password: sets the session cookie, returns the CSRF token',
    tag: 'auth',
    access: access.public,
    body: LoginBody,
    response: SessionView,
    handler: async ({ request, reply, body }) => {
      const email = normalizeEmail(body.email);
      await enforceRateLimit(ctx, `login:ip:${request.ip}`, config.loginRateLimit.perIp, reply);
      await enforceRateLimit(ctx, `login:email:${email}`, config.loginRateLimit.perEmail, reply);
      const [user] = await ctx.db
        .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
        .from(users)
        .where(eq(users.email, email));
      // Unknown emails cost a hash too: the answer time does not tell which emails exist.
      const stored = user?.passwordHash ?? (await (dummy ??= dummyHash(config.passwordLog2N)));
      const ok = (await verifyPassword(body.password, stored)) && user !== undefined && user.passwordHash !== null && !user.disabledAt;
      if (!ok) throw unauthorized('Wrong email or password');
      await clearRateLimit(ctx.db, `login:email:${email}`);
      const session = await createSession(ctx.db, user.id, settings, { userAgent: request.headers['user-agent'], ip: request.ip });
      await ctx.db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, user.id));
      setSessionCookie(request, reply, session.token, settings);
      return sessionView(ctx, user.id, session.csrfToken);
    },
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    summary: 'End the current session',
    tag: 'auth',
    access: access.user,
    status: 204,
    handler: async ({ request, reply }) => {
      const principal = requirePrincipal(request);
      if (principal.kind === 'session') await deleteSession(ctx.db, principal.sessionId);
      clearSessionCookie(request, reply, settings);
    },
  });

  defineRoute(app, registry, {
    method: 'GET',
    url: '/api/v1/auth/session',
    summary: 'The signed-in user, their organizations and roles, and the CSRF token',
    tag: 'auth',
    access: access.user,
    response: SessionView,
    handler: async ({ request }) => {
      const principal = requirePrincipal(request);
      if (principal.kind !== 'session') throw unauthorized('This takes a session cookie, not an API token');
      return sessionView(ctx, principal.userId, principal.csrfToken);
    },
  });

  defineRoute(app, registry, {
    method: 'POST',
    url: '/api/v1/auth/password-reset',
    summary: 'Set a new password with a one-time reset token (from `solarhub-cloud user reset-password` or an admin); ends all sessions',
    tag: 'auth',
    access: access.public,
    body: ResetBody,
    status: 204,
    handler: async ({ request, reply, body }) => {
      await enforceRateLimit(ctx, `reset:ip:${request.ip}`, config.loginRateLimit.perIp, reply);
      await provisioning(resetPassword(ctx.db, body.token, body.password, config.passwordLog2N));
    },
  });
}
