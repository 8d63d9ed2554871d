import { createHash, randomBytes } from 'node:crypto';

/** Token kinds and their prefixes: the prefix tells a leaked token's kind at a glance (and to secret scanners). */
export const TOKEN_PREFIXES = { gateway: 'shg_', api: 'sha_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;

/** 32 random bytes in base64url = 43 characters. */
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;
/** Characters of the token kept in clear for display ("shg_AbCdEfGh"). */
const DISPLAY_LENGTH = 12;

export interface IssuedToken {
  /** The secret: shown once, never stored. */
  token: string;
  /** SHA-256 of the token, hex: what the database keeps. */
  hash: string;
  /** For display in lists. */
  prefix: string;
}

export function issueToken(kind: TokenKind): IssuedToken {
  const token = TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, DISPLAY_LENGTH) };
}

/** 256-bit random tokens need no slow hash: SHA-256, compared by looking the hash up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type BearerResult =
  | { ok: true; token: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong_kind' };

/** Takes the token of a kind from an Authorization header ("Bearer shg_..."). */
export function parseBearer(header: string | undefined, kind: TokenKind): BearerResult {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const token = match[1];
  const prefix = TOKEN_PREFIXES[kind];
  if (!token.startsWith(prefix)) return { ok: false, reason: 'wrong_kind' };
  if (!TOKEN_BODY.test(token.slice(prefix.length))) return { ok: false, reason: 'malformed' };
  return { ok: true, token };
}
