import { z } from 'zod';

const RateLimitRule = z.object({ max: z.number().int().positive(), windowMs: z.number().int().positive() });

/** The HTTP app's settings: validation, defaults and documentation in one place. */
export const AppConfig = z.object({
  /** Largest ingest body after gzip decompression, bytes (default 16 MiB). */
  ingestBodyLimit: z.number().int().positive().default(16 * 1024 * 1024),
  /** Largest body of any other route, bytes (default 1 MiB). */
  bodyLimit: z.number().int().positive().default(1024 * 1024),
  /** Most raw points one series request returns (default 10,000); the response says when it cut. */
  maxSeriesPoints: z.number().int().positive().max(1_000_000).default(10_000),
  /** Trust X-Forwarded-* from a reverse proxy (default false). */
  trustProxy: z.boolean().default(false),
  /** Session lifetime, ms (default 7 days). */
  sessionTtlMs: z.number().int().positive().default(7 * 24 * 3_600_000),
  /**
   * A session unused this long is refused (401, as if unknown) and removed, ms
   * (default 12 hours), within the lifetime above. 12 hours spans a working
   * day's gaps (meetings, a site visit) and an open dashboard keeps its session
   * alive, while a laptop left signed in overnight is signed out. Use is
   * recorded once a minute, hence at least 2 minutes.
   */
  sessionIdleTimeoutMs: z.number().int().min(120_000, 'at least 2 minutes (last use is recorded once a minute)').default(12 * 3_600_000),
  /**
   * Secure session cookies: "auto" (default) when the request came over HTTPS
   * (behind a TLS proxy, set trustProxy), "always", or "never" (plain http only).
   */
  cookieSecure: z.enum(['auto', 'always', 'never']).default('auto'),
  /** scrypt cost of new password hashes, log2 N (default 17: N = 2^17, r = 8, p = 1). */
  passwordLog2N: z.number().int().min(14).max(20).default(17),
  /** Login (and password reset) attempts per client address and per email, in fixed windows shared by all replicas. */
  loginRateLimit: z
    .object({
      perIp: RateLimitRule.default({ max: 50, windowMs: 15 * 60_000 }),
      perEmail: RateLimitRule.default({ max: 10, windowMs: 15 * 60_000 }),
    })
    .prefault({}),
  /** Gateway claim attempts per client address (default 20 per 15 minutes). */
  claimRateLimit: RateLimitRule.default({ max: 20, windowMs: 15 * 60_000 }),
});
export type AppConfig = z.infer<typeof AppConfig>;
export type AppConfigInput = z.input<typeof AppConfig>;
