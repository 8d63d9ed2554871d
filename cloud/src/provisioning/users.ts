import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.js';
import { hashToken } from '../auth/tokens.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { organizationMembers, organizations, passwordResetTokens, sessions, users } from '../storage/schema/index.js';
import { ProvisioningError } from './errors.js';

/** Emails are compared trimmed and lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface CreateOrganizationInput {
  name: string;
  adminEmail: string;
  /** Sets the password of a new user; an existing user keeps theirs. */
  adminPassword?: string | undefined;
  adminName?: string | undefined;
  /** scrypt cost (log2 N). */
  log2N?: number | undefined;
}

export interface CreateOrganizationResult {
  organizationId: string;
  userId: string;
  memberId: string;
  /** False when the admin's email already had an account (its password was left alone). */
  userCreated: boolean;
}

/** Creates an organization and makes the user with that email (created if missing) its owner. */
export async function createOrganizationWithOwner(db: Db, input: CreateOrganizationInput): Promise<CreateOrganizationResult> {
  const email = normalizeEmail(input.adminEmail);
  const passwordHash = input.adminPassword ? await hashPassword(input.adminPassword, input.log2N) : null;
  return db.transaction(async (tx) => {
    const { userId, created } = await ensureUser(tx, email, passwordHash, input.adminName);
    const [org] = await tx.insert(organizations).values({ name: input.name }).returning({ id: organizations.id });
    const [member] = await tx
      .insert(organizationMembers)
      .values({ organizationId: org!.id, userId, role: 'owner' })
      .returning({ id: organizationMembers.id });
    return { organizationId: org!.id, userId, memberId: member!.id, userCreated: created };
  });
}

/** The user with this (normalized) email, created with `passwordHash` (may be null: no password yet) when missing. */
export async function ensureUser(
  tx: DbOrTx,
  email: string,
  passwordHash: string | null,
  name?: string | null,
): Promise<{ userId: string; created: boolean }> {
  const inserted = await tx
    .insert(users)
    .values({ email, name: name ?? null, passwordHash, passwordChangedAt: passwordHash ? new Date() : null })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  if (inserted[0]) return { userId: inserted[0].id, created: true };
  const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
  return { userId: existing!.id, created: false };
}

/** A one-time token to set a new password (printed by the CLI, or given to the admin who added the member). */
export async function issuePasswordResetToken(
  db: DbOrTx,
  email: string,
  ttlMs = RESET_TOKEN_TTL_MS,
): Promise<{ token: string; userId: string; expiresAt: Date }> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalizeEmail(email)));
  if (!user) throw new ProvisioningError('user_not_found', `No user with email ${normalizeEmail(email)}`, { email });
  return issueResetTokenFor(db, user.id, ttlMs);
}

export async function issueResetTokenFor(db: DbOrTx, userId: string, ttlMs = RESET_TOKEN_TTL_MS) {
  const token = `shr_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.insert(passwordResetTokens).values({ userId, tokenHash: hashToken(token), expiresAt });
  return { token, userId, expiresAt };
}

/**
 * Uses a reset token once: sets the password, ends every session of the user.
 * Expired, used and unknown tokens are all `invalid_reset_token`.
 */
export async function resetPassword(db: Db, token: string, newPassword: string, log2N?: number): Promise<{ userId: string }> {
  const usable = and(eq(passwordResetTokens.tokenHash, hashToken(token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, sql`now()`));
  // A cheap look first: a bad token does not cost a password hash.
  const [candidate] = await db.select({ id: passwordResetTokens.id }).from(passwordResetTokens).where(usable);
  if (!candidate) throw new ProvisioningError('invalid_reset_token', 'This reset token is unknown, used or expired');
  const passwordHash = await hashPassword(newPassword, log2N);
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: sql`now()` })
      .where(usable)
      .returning({ userId: passwordResetTokens.userId });
    if (!used) throw new ProvisioningError('invalid_reset_token', 'This reset token is unknown, used or expired');
    await tx.update(users).set({ passwordHash, passwordChangedAt: sql`now()` }).where(eq(users.id, used.userId));
    await tx.delete(sessions).where(eq(sessions.userId, used.userId));
    return { userId: used.userId };
  });
}
