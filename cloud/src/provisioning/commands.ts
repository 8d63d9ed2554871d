import type { Command } from 'commander';
import { z } from 'zod';
import type { Database } from '../storage/database.js';
import { createClaimCode, revokeGateway, rotateGatewayToken } from './claim.js';
import { ProvisioningError } from './errors.js';
import { createOrganizationWithOwner, issuePasswordResetToken } from './users.js';

/** What main.ts lends the operator commands: database flags, and `run` (parses the command's options and the database flags, opens a migrated database, prints the result). */
export interface CommandKit {
  dbFlags(cmd: Command): Command;
  run<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, fn: (options: z.output<S>, database: Database) => Promise<unknown>): Promise<void>;
}

/** "90s", "30m", "24h", "7d" -> ms. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : null;
}

const Duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null || ms > 30 * 86_400_000) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like 30m, 24h or 7d (at most 30d)' });
    return z.NEVER;
  }
  return ms;
});

/**
 * The operator commands: `org create`, `claim-code create`, `gateway rotate|revoke`,
 * `user reset-password`. Each prints one JSON object on stdout (secrets included,
 * shown once) and exits non-zero with a message naming the problem.
 */
export function addOperatorCommands(program: Command, kit: CommandKit): void {
  const org = program.command('org').description('organizations');
  kit
    .dbFlags(
      org
        .command('create')
        .description('create an organization and its first owner (an existing account keeps its password)')
        .requiredOption('--name <name>', 'organization name')
        .requiredOption('--admin-email <email>', "the owner's email")
        .option('--admin-password <password>', "the owner's password when the account is new (else use `user reset-password`)"),
    )
    .action((raw: Record<string, unknown>) =>
      kit.run(
        z.object({ name: z.string().trim().min(1).max(200), adminEmail: z.email(), adminPassword: z.string().min(10).max(256).optional() }),
        raw,
        (o, database) => createOrganizationWithOwner(database.db, { name: o.name, adminEmail: o.adminEmail, adminPassword: o.adminPassword }),
      ),
    );

  kit
    .dbFlags(
      program
        .command('claim-code')
        .description('claim codes for gateways')
        .command('create')
        .description('create a one-time claim code for a site; type it on the gateway')
        .requiredOption('--site <id>', 'site id')
        .option('--expires <duration>', 'lifetime, e.g. 30m, 24h, 7d', '24h')
        .option('--gateway-name <name>', 'name of the gateway that claims it'),
    )
    .action((raw: Record<string, unknown>) =>
      kit.run(z.object({ site: z.uuid(), expires: Duration, gatewayName: z.string().min(1).max(100).optional() }), raw, async (o, database) => {
        const { code, row } = await createClaimCode(database.db, { siteId: o.site, ttlMs: o.expires, gatewayName: o.gatewayName });
        return { code, claimCodeId: row.id, siteId: row.siteId, expiresAt: row.expiresAt.toISOString() };
      }),
    );

  const gateway = program.command('gateway').description('gateways');
  kit
    .dbFlags(gateway.command('rotate').description("print a new token for a gateway; the old one is refused at once").requiredOption('--gateway <id>', 'gateway id'))
    .action((raw: Record<string, unknown>) =>
      kit.run(z.object({ gateway: z.uuid() }), raw, async (o, database) => ({ gatewayId: o.gateway, ...(await rotateGatewayToken(database.db, o.gateway)) })),
    );
  kit
    .dbFlags(gateway.command('revoke').description("refuse a gateway's token from its next request on").requiredOption('--gateway <id>', 'gateway id'))
    .action((raw: Record<string, unknown>) =>
      kit.run(z.object({ gateway: z.uuid() }), raw, async (o, database) => {
        await revokeGateway(database.db, o.gateway);
        return { gatewayId: o.gateway, revoked: true };
      }),
    );

  kit
    .dbFlags(
      program
        .command('user')
        .description('user accounts')
        .command('reset-password')
        .description('print a one-time password reset token (1 hour) for POST /api/v1/auth/password-reset')
        .requiredOption('--email <email>', "the user's email"),
    )
    .action((raw: Record<string, unknown>) =>
      kit.run(z.object({ email: z.email() }), raw, async (o, database) => {
        const issued = await issuePasswordResetToken(database.db, o.email);
        return { email: o.email.trim().toLowerCase(), token: issued.token, expiresAt: issued.expiresAt.toISOString() };
      }),
    );
}

/** A provisioning refusal as the CLI prints it ("site_not_found: No site ..."); other errors are rethrown. */
export function describeRefusal(err: unknown): string | null {
  return err instanceof ProvisioningError ? `${err.code}: ${err.message}` : null;
}
