import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG2N, PasswordHashError, hashPassword, parsePasswordHash, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with scrypt N=2^17, r=8, p=1 by default and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(parsePasswordHash(stored)).toMatchObject({ log2N: DEFAULT_LOG2N, r: 8, p: 1 });
    expect(DEFAULT_LOG2N).toBe(17);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash and reads the cost from the hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 14), hashPassword('same', 14)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
  });

  it.each(['', 'bcrypt$x', 'scrypt$17$8$1$salt', 'scrypt$99$8$1$c2FsdA$a2V5', 'scrypt$x$8$1$c2FsdA$a2V5'])('refuses the stored hash %j', (stored) => {
    expect(() => parsePasswordHash(stored)).toThrow(PasswordHashError);
  });
});
