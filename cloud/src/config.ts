import { z } from 'zod';

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
});
export type AppConfig = z.infer<typeof AppConfig>;
export type AppConfigInput = z.input<typeof AppConfig>;
