import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config.js';
import type { DbOrTx } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { agoMs, recordUse, touchSession, useIsStale, type WarnLog } from './last-use.js';
import { hashToken } from './tokens.js';

/**
 * Session cookies. Over HTTPS the cookie is `__Host-solarhub_session`
 * (Secure, Path=/, no Domain: a sibling subdomain cannot plant or read it).
 * Over plain http (localhost, a LAN box) browsers drop Secure cookies, so
 * it is `solarhub_session` without Secure; it is still HttpOnly and SameSite=Lax.
 */
export const SECURE_COOKIE = '__Host-solarhub_session';
export const PLAIN_COOKIE = 'solarhub_session';
export const CSRF_HEADER = 'x-csrf-token';

export type CookieSecurity = 'auto' | 'always' | 'never';

export interface SessionSettings {
  /** Absolute lifetime from sign-in, ms (the cookie's Max-Age too). */
  ttlMs: number;
  /** A session unused this long, ms, is refused like an unknown one (and removed by the cleanup job). */
  idleTimeoutMs: number;
  cookieSecure: CookieSecurity;
}

export function sessionSettingsOf(config: Pick<AppConfig, 'sessionTtlMs' | 'sessionIdleTimeoutMs' | 'cookieSecure'>): SessionSettings {
  return { ttlMs: config.sessionTtlMs, idleTimeoutMs: config.sessionIdleTimeoutMs, cookieSecure: config.cookieSecure };
}

export function secureCookies(request: FastifyRequest, mode: CookieSecurity): boolean {
  return mode === 'always' || (mode === 'auto' && request.protocol === 'https');
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE : PLAIN_COOKIE;
}

/** The session token from the request's cookie (only the __Host- one over HTTPS). */
export function sessionTokenOf(request: FastifyRequest, mode: CookieSecurity): string | undefined {
  return parseCookies(request.headers.cookie).get(sessionCookieName(secureCookies(request, mode)));
}

export interface SessionRef {
  sessionId: string;
  userId: string;
  email: string;
  csrfToken: string;
}

export async function createSession(
  db: DbOrTx,
  userId: string,
  settings: Pick<SessionSettings, 'ttlMs'>,
  meta: { userAgent?: string | undefined; ip?: string | undefined },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.ttlMs);
  await db.execute(sql`
    INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at, user_agent, ip)
    VALUES (${userId}::uuid, ${hashToken(token)}, ${csrfToken}, ${expiresAt.toISOString()}::timestamptz,
            ${meta.userAgent?.slice(0, 512) ?? null}, ${meta.ip ?? null})`);
  return { token, csrfToken, expiresAt };
}

/**
 * The live session of a token (unexpired, used within the idle timeout, user
 * not disabled), or null: an idle session is refused exactly like an unknown
 * one. Records the use (last_seen_at) when the stamp is over a minute old; a
 * failure to record is logged, never fatal.
 */
export async function findSession(
  db: DbOrTx,
  token: string,
  options: { idleTimeoutMs: number; log: WarnLog },
): Promise<SessionRef | null> {
  const [row] = await queryRows<{ id: string; user_id: string; email: string; csrf_token: string; use_stale: boolean }>(
    db,
    sql`SELECT s.id, s.user_id, u.email, s.csrf_token, ${useIsStale(sql`s.last_seen_at`)} AS use_stale
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ${hashToken(token)} AND s.expires_at > now()
          AND s.last_seen_at > ${agoMs(options.idleTimeoutMs)} AND u.disabled_at IS NULL`,
  );
  if (!row) return null;
  if (row.use_stale) await recordUse(options.log, { sessionId: row.id }, () => touchSession(db, row.id));
  return { sessionId: row.id, userId: row.user_id, email: row.email, csrfToken: row.csrf_token };
}

export async function deleteSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE id = ${sessionId}::uuid`);
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, settings: Pick<SessionSettings, 'ttlMs' | 'cookieSecure'>): void {
  const secure = secureCookies(request, settings.cookieSecure);
  void reply.header('set-cookie', serializeCookie(sessionCookieName(secure), token, { maxAgeSeconds: settings.ttlMs / 1000, secure }));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: Pick<SessionSettings, 'cookieSecure'>): void {
  const secure = secureCookies(request, settings.cookieSecure);
  void reply.header('set-cookie', serializeCookie(sessionCookieName(secure), '', { maxAgeSeconds: 0, secure }));
}
