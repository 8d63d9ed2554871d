import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie, type CookieOptions } from './cookies.js';

describe('parseCookies', () => {
  it.each<[string | undefined, Record<string, string>]>([
    [undefined, {}],
    ['a=1', { a: '1' }],
    ['a=1; b=two', { a: '1', b: 'two' }],
    ['a=1; a=2', { a: '1' }],
    ['a="quoted"', { a: 'quoted' }],
    ['a=%41%42', { a: 'AB' }],
    ['a=%E0%A4%A', { a: '%E0%A4%A' }],
    ['novalue; =x; b=', { b: '' }],
  ])('%j -> %j', (header, expected) => {
    expect(Object.fromEntries(parseCookies(header))).toEqual(expected);
  });
});

describe('serializeCookie', () => {
  it.each<[CookieOptions, string]>([
    [{ maxAgeSeconds: 60, secure: true }, 's=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure'],
    [{ maxAgeSeconds: 0, secure: false }, 's=v; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'],
    [{ maxAgeSeconds: 1.9, secure: false, sameSite: 'Strict' }, 's=v; Path=/; Max-Age=1; HttpOnly; SameSite=Strict'],
  ])('%j', (options, expected) => {
    expect(serializeCookie('s', 'v', options)).toBe(expected);
  });
});
