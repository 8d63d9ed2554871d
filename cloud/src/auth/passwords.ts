import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto, no native add-on): N = 2^17,
 * r = 8, p = 1 by default (OWASP's recommendation; 128 MiB and about half a
 * second per hash). The parameters are stored in the hash, so raising them
 * later only affects new hashes.
 */
export const DEFAULT_LOG2N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export class PasswordHashError extends Error {
  override readonly name = 'PasswordHashError';
  readonly code = 'invalid_password_hash';
}

function scrypt(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128 * N * r bytes; node's default cap (32 MiB) is below N = 2^17.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** "scrypt$17$8$1$<salt>$<key>" (base64url). */
export async function hashPassword(password: string, log2N = DEFAULT_LOG2N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, log2N, R, P);
  return ['scrypt', log2N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface ParsedHash {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(stored: string): ParsedHash {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  const ints = [n, r, p].map(Number);
  if (parts.length !== 6 || scheme !== 'scrypt' || ints.some((v) => !Number.isInteger(v) || v < 1) || ints[0]! > 24 || !salt || !key) {
    throw new PasswordHashError('not a scrypt$<log2N>$<r>$<p>$<salt>$<key> hash');
  }
  return { log2N: ints[0]!, r: ints[1]!, p: ints[2]!, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Constant-time comparison of the derived key. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  const key = await scrypt(password, parsed.salt, parsed.log2N, parsed.r, parsed.p);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash of a random password: verifying against it costs the same as a real one (no timing hint that an email is unknown). */
export function dummyHash(log2N = DEFAULT_LOG2N): Promise<string> {
  return hashPassword(randomBytes(16).toString('base64url'), log2N);
}
