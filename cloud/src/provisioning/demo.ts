import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.js';
import { issueToken } from '../auth/tokens.js';
import type { Db } from '../storage/database.js';
import { apiTokens, gateways, organizationMembers, organizations, sites, users } from '../storage/schema/index.js';
import { ensureUser, normalizeEmail } from './users.js';

export interface ProvisionDemoInput {
  organization: string;
  site: string;
  gateway: string;
  /** Site time zone when the site is created (default "UTC"). */
  timezone?: string;
  /** The demo admin's email (default "admin@demo.solarhub.local"); made owner of the organization. */
  adminEmail?: string;
  /** scrypt cost of the admin's password hash (log2 N, default 17). */
  log2N?: number;
}

export interface ProvisionDemoResult {
  organizationId: string;
  siteId: string;
  gatewayId: string;
  /** Fresh `shg_` token; an existing gateway's previous token stops working. */
  gatewayToken: string;
  /** Fresh `sha_` read token (viewer) for the organization. */
  apiToken: string;
  /** Sign in with these at POST /api/v1/auth/login; the password is new on every run. */
  adminEmail: string;
  adminPassword: string;
}

/**
 * For the demo and tests: creates (or reuses by name) an organization, a site
 * and a gateway, gives the gateway a fresh token, the organization a new
 * viewer API token, and an owner account a fresh password. Secrets are
 * returned once and stored only as hashes. Real installations use
 * `org create` and claim codes instead.
 */
export async function provisionDemo(db: Db, input: ProvisionDemoInput): Promise<ProvisionDemoResult> {
  const gatewayToken = issueToken('gateway');
  const apiToken = issueToken('api');
  const adminEmail = normalizeEmail(input.adminEmail ?? 'admin@demo.solarhub.local');
  const adminPassword = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(adminPassword, input.log2N);
  return db.transaction(async (tx) => {
    // Serializes concurrent provisioning so reuse-by-name never creates twins.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('solarhub.provision', 0))`);

    const [existingOrg] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.name, input.organization))
      .orderBy(asc(organizations.createdAt))
      .limit(1);
    const organizationId =
      existingOrg?.id ?? (await tx.insert(organizations).values({ name: input.organization }).returning({ id: organizations.id }))[0]!.id;

    const { userId } = await ensureUser(tx, adminEmail, passwordHash, 'Demo admin');
    await tx.update(users).set({ passwordHash, passwordChangedAt: sql`now()`, disabledAt: null }).where(eq(users.id, userId));
    await tx.insert(organizationMembers).values({ organizationId, userId, role: 'owner' }).onConflictDoNothing();

    const [site] = await tx
      .insert(sites)
      .values({ organizationId, name: input.site, timezone: input.timezone ?? 'UTC' })
      .onConflictDoUpdate({ target: [sites.organizationId, sites.name], targetWhere: sql`deleted_at IS NULL`, set: { updatedAt: sql`now()` } })
      .returning({ id: sites.id });

    const [gateway] = await tx
      .insert(gateways)
      .values({ organizationId, siteId: site!.id, name: input.gateway, tokenHash: gatewayToken.hash, tokenPrefix: gatewayToken.prefix })
      .onConflictDoUpdate({
        target: [gateways.siteId, gateways.name],
        targetWhere: sql`deleted_at IS NULL`,
        set: { tokenHash: gatewayToken.hash, tokenPrefix: gatewayToken.prefix, revokedAt: null, tokenRotatedAt: sql`now()` },
      })
      .returning({ id: gateways.id });

    await tx
      .insert(apiTokens)
      .values({ organizationId, name: `demo (${input.gateway})`, role: 'viewer', tokenHash: apiToken.hash, tokenPrefix: apiToken.prefix });

    return {
      organizationId,
      siteId: site!.id,
      gatewayId: gateway!.id,
      gatewayToken: gatewayToken.token,
      apiToken: apiToken.token,
      adminEmail,
      adminPassword,
    };
  });
}
