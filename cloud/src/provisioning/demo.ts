import { asc, eq, sql } from 'drizzle-orm';
import { issueToken } from '../auth/tokens.js';
import type { Db } from '../storage/database.js';
import { apiTokens, gateways, organizations, sites } from '../storage/schema/index.js';

export interface ProvisionDemoInput {
  organization: string;
  site: string;
  gateway: string;
  /** Site time zone when the site is created (default "UTC"). */
  timezone?: string;
}

export interface ProvisionDemoResult {
  organizationId: string;
  siteId: string;
  gatewayId: string;
  /** Fresh `shg_` token; an existing gateway's previous token stops working. */
  gatewayToken: string;
  /** Fresh `sha_` read token for the organization. */
  apiToken: string;
}

/**
 * Until claim codes exist: creates (or reuses by name) an organization, a
 * site and a gateway, gives the gateway a fresh token and the organization a
 * new API token. Tokens are returned once and stored only as hashes.
 */
export async function provisionDemo(db: Db, input: ProvisionDemoInput): Promise<ProvisionDemoResult> {
  const gatewayToken = issueToken('gateway');
  const apiToken = issueToken('api');
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

    const [site] = await tx
      .insert(sites)
      .values({ organizationId, name: input.site, timezone: input.timezone ?? 'UTC' })
      .onConflictDoUpdate({ target: [sites.organizationId, sites.name], set: { updatedAt: sql`now()` } })
      .returning({ id: sites.id });

    const [gateway] = await tx
      .insert(gateways)
      .values({ siteId: site!.id, name: input.gateway, tokenHash: gatewayToken.hash, tokenPrefix: gatewayToken.prefix })
      .onConflictDoUpdate({
        target: [gateways.siteId, gateways.name],
        set: { tokenHash: gatewayToken.hash, tokenPrefix: gatewayToken.prefix, revokedAt: null, updatedAt: sql`now()` },
      })
      .returning({ id: gateways.id });

    await tx
      .insert(apiTokens)
      .values({ organizationId, name: `demo (${input.gateway})`, tokenHash: apiToken.hash, tokenPrefix: apiToken.prefix });

    return {
      organizationId,
      siteId: site!.id,
      gatewayId: gateway!.id,
      gatewayToken: gatewayToken.token,
      apiToken: apiToken.token,
    };
  });
}
