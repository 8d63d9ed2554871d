import { describe, expect, it } from 'vitest';
import { hashToken, issueToken, parseBearer, type BearerResult, type TokenKind } from './tokens.js';

const body = 'A'.repeat(43);

describe('issueToken', () => {
  it.each<[TokenKind, string]>([
    ['gateway', 'shg_'],
    ['api', 'sha_'],
  ])('%s tokens start with %s and store only their SHA-256', (kind, prefix) => {
    const issued = issueToken(kind);
    expect(issued.token).toMatch(new RegExp(`^${prefix}[A-Za-z0-9_-]{43}$`));
    expect(issued.hash).toBe(hashToken(issued.token));
    expect(issued.hash).not.toContain(issued.token.slice(prefix.length));
    expect(issued.prefix).toBe(issued.token.slice(0, 12));
    expect(issueToken(kind).token).not.toBe(issued.token);
  });
});

describe('hashToken', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('hashes %j to its SHA-256 hex', (input, hex) => {
    expect(hashToken(input)).toBe(hex);
  });
});

describe('parseBearer', () => {
  it.each<[string | undefined, TokenKind, BearerResult]>([
    [undefined, 'gateway', { ok: false, reason: 'missing' }],
    ['  ', 'gateway', { ok: false, reason: 'missing' }],
    ['Basic abc', 'gateway', { ok: false, reason: 'malformed' }],
    ['Bearer', 'gateway', { ok: false, reason: 'malformed' }],
    [`Bearer shg_${body} extra`, 'gateway', { ok: false, reason: 'malformed' }],
    [`Bearer shg_${body}`, 'gateway', { ok: true, token: `shg_${body}` }],
    [`bearer   shg_${body} `, 'gateway', { ok: true, token: `shg_${body}` }],
    [`Bearer sha_${body}`, 'gateway', { ok: false, reason: 'wrong_kind' }],
    [`Bearer shg_${body}`, 'api', { ok: false, reason: 'wrong_kind' }],
    [`Bearer sha_${body}`, 'api', { ok: true, token: `sha_${body}` }],
    [`Bearer sha_${body.slice(1)}`, 'api', { ok: false, reason: 'malformed' }],
    [`Bearer sha_${body.slice(1)}!`, 'api', { ok: false, reason: 'malformed' }],
  ])('%j as %s -> %j', (header, kind, expected) => {
    expect(parseBearer(header, kind)).toEqual(expected);
  });
});
