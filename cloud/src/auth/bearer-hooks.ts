import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../http/errors.js';
import type { Db } from '../storage/database.js';
import { queryRows } from '../storage/rows.js';
import './request-context.js';
import { TOKEN_PREFIXES, hashToken, parseBearer, type TokenKind } from './tokens.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const WHAT: Record<TokenKind, string> = { gateway: 'a gateway token', api: 'an API token' };

/** The token from the Authorization header, or a 401 saying what is wrong with it. */
export function bearerToken(request: FastifyRequest, reply: FastifyReply, kind: TokenKind): string {
  const parsed = parseBearer(request.headers.authorization, kind);
  if (parsed.ok) return parsed.token;
  reply.header('www-authenticate', 'Bearer');
  const expected = `${WHAT[kind]} ("Authorization: Bearer ${TOKEN_PREFIXES[kind]}...")`;
  const messages = {
    missing: `Missing credentials: send ${expected}`,
    malformed: `Malformed Authorization header: expected ${expected}`,
    wrong_kind: `Wrong kind of token: this endpoint takes ${expected}`,
  };
  throw unauthorized(messages[parsed.reason]);
}

function rejectUnknownOrRevoked(reply: FastifyReply, kind: TokenKind, row: { revoked_at: unknown } | undefined): void {
  if (!row) {
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw unauthorized(`Unknown ${kind === 'gateway' ? 'gateway' : 'API'} token`);
  }
  if (row.revoked_at !== null) throw forbidden('token_revoked', `This ${kind === 'gateway' ? 'gateway' : 'API'} token has been revoked`);
}

/** onRequest hook for ingest routes: runs before the body is read, sets request.gateway. */
export function gatewayAuthHook(db: Db): Hook {
  return async (request, reply) => {
    const token = bearerToken(request, reply, 'gateway');
    const [row] = await queryRows<{ id: string; site_id: string; organization_id: string; revoked_at: unknown }>(
      db,
      // No cache: a revoked or deleted gateway is refused from its next request on.
      sql`SELECT id, site_id, organization_id, CASE WHEN deleted_at IS NULL THEN revoked_at ELSE coalesce(revoked_at, deleted_at) END AS revoked_at
          FROM gateways WHERE token_hash = ${hashToken(token)}`,
    );
    rejectUnknownOrRevoked(reply, 'gateway', row);
    request.gateway = { id: row!.id, siteId: row!.site_id, organizationId: row!.organization_id };
  };
}
