import { randomBytes, randomInt } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { ClaimGatewayResponse } from '@solarhub/shared';
import { hashToken, issueToken } from '../auth/tokens.js';
import type { Db, DbOrTx } from '../storage/database.js';
import { claimCodes, gateways, sites, type ClaimCodeRow } from '../storage/schema/index.js';
import { ProvisioningError } from './errors.js';

/** Crockford base32 (no I, L, O, U): easy to read aloud and type on a roof. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 characters = 80 random bits; codes are single-use, expiring and rate limited at the claim endpoint. */
const CODE_CHARS = 16;
export const DEFAULT_CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

/** "SHC-7KQ2-M9XA-4T1B-ZP0D". */
export function generateClaimCode(): string {
  const chars = Array.from({ length: CODE_CHARS }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `SHC-${chars.match(/.{4}/g)!.join('-')}`;
}

/** Upper case, no separators or prefix, Crockford's look-alikes folded (O->0, I/L->1); null when it cannot be a code. */
export function normalizeClaimCode(input: string): string | null {
  let s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith('SHC')) s = s.slice(3);
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CODE_CHARS || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return s;
}

export interface CreateClaimCodeInput {
  siteId: string;
  ttlMs?: number | undefined;
  gatewayName?: string | undefined;
  createdBy?: string | null | undefined;
}

/** Creates a claim code for a live site visible to `db` (under RLS: the tenant's). The code is returned once. */
export async function createClaimCode(db: DbOrTx, input: CreateClaimCodeInput): Promise<{ code: string; row: ClaimCodeRow }> {
  const [site] = await db
    .select({ organizationId: sites.organizationId })
    .from(sites)
    .where(and(eq(sites.id, input.siteId), isNull(sites.deletedAt)));
  if (!site) throw new ProvisioningError('site_not_found', `No site ${input.siteId}`, { siteId: input.siteId });
  const code = generateClaimCode();
  const normalized = normalizeClaimCode(code)!;
  const [row] = await db
    .insert(claimCodes)
    .values({
      organizationId: site.organizationId,
      siteId: input.siteId,
      codeHash: hashToken(normalized),
      codeHint: normalized.slice(-4),
      gatewayName: input.gatewayName ?? null,
      createdBy: input.createdBy ?? null,
      expiresAt: new Date(Date.now() + (input.ttlMs ?? DEFAULT_CLAIM_TTL_MS)),
    })
    .returning();
  return { code, row: row! };
}

/**
 * Exchanges a claim code for a new gateway on the code's site, in one
 * transaction: the code is used up (a second claim fails), the gateway gets a
 * fresh random token (returned once, stored as SHA-256). Runs as the system:
 * the code is the credential.
 */
export async function claimGateway(db: Db, rawCode: string, name?: string): Promise<ClaimGatewayResponse> {
  const normalized = normalizeClaimCode(rawCode);
  if (!normalized) throw new ProvisioningError('invalid_claim_code', 'This claim code is unknown, used, revoked or expired');
  const token = issueToken('gateway');
  return db.transaction(async (tx) => {
    const [code] = await tx
      .update(claimCodes)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(claimCodes.codeHash, hashToken(normalized)),
          isNull(claimCodes.usedAt),
          isNull(claimCodes.revokedAt),
          gt(claimCodes.expiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!code) throw new ProvisioningError('invalid_claim_code', 'This claim code is unknown, used, revoked or expired');
    const gatewayName = name ?? code.gatewayName ?? `gateway-${normalized.slice(-4).toLowerCase()}-${randomBytes(2).toString('hex')}`;
    const [gateway] = await tx
      .insert(gateways)
      .values({
        organizationId: code.organizationId,
        siteId: code.siteId,
        name: gatewayName,
        tokenHash: token.hash,
        tokenPrefix: token.prefix,
        claimedAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: gateways.id });
    if (!gateway) throw new ProvisioningError('name_taken', `The site already has a gateway named "${gatewayName}"`, { name: gatewayName });
    await tx.update(claimCodes).set({ gatewayId: gateway.id }).where(eq(claimCodes.id, code.id));
    return { gatewayId: gateway.id, siteId: code.siteId, organizationId: code.organizationId, gatewayName, token: token.token };
  });
}

/** A new token for a live gateway; the old one stops working with this commit. */
export async function rotateGatewayToken(db: DbOrTx, gatewayId: string): Promise<{ token: string; prefix: string }> {
  const token = issueToken('gateway');
  const [row] = await db
    .update(gateways)
    .set({ tokenHash: token.hash, tokenPrefix: token.prefix, tokenRotatedAt: sql`now()`, revokedAt: null })
    .where(and(eq(gateways.id, gatewayId), isNull(gateways.deletedAt)))
    .returning({ id: gateways.id });
  if (!row) throw new ProvisioningError('gateway_not_found', `No gateway ${gatewayId}`, { gatewayId });
  return { token: token.token, prefix: token.prefix };
}

/** Refuses the gateway from its next request on (the ingest auth reads the database every time). Rotating re-enables it. */
export async function revokeGateway(db: DbOrTx, gatewayId: string): Promise<void> {
  const [row] = await db
    .update(gateways)
    .set({ revokedAt: sql`coalesce(${gateways.revokedAt}, now())` })
    .where(and(eq(gateways.id, gatewayId), isNull(gateways.deletedAt)))
    .returning({ id: gateways.id });
  if (!row) throw new ProvisioningError('gateway_not_found', `No gateway ${gatewayId}`, { gatewayId });
}
