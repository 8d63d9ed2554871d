#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { buildApp } from './app.js';
import { startTimeseriesJobs } from './timeseries/jobs.js';
import { openDatabase, type Database } from './storage/database.js';
import { runMigrations } from './storage/migrate.js';
import { provisionDemo } from './provisioning/demo.js';
import { addOperatorCommands, describeRefusal } from './provisioning/commands.js';
import { startAuthCleanup } from './auth/cleanup.js';
import { AppConfig } from './config.js';

/** Where the database is: a URL (flag, else DATABASE_URL), else a PGlite folder. */
const DatabaseOptions = z.object({
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  dataDir: z.string().min(1).default('.data/cloud'),
});

const ServeOptions = DatabaseOptions.extend({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  trustProxy: z.boolean().default(false),
  cookieSecure: z.enum(['auto', 'always', 'never']).default('auto'),
});

const ProvisionOptions = DatabaseOptions.extend({
  organization: z.string().trim().min(1).max(200),
  site: z.string().trim().min(1).max(200),
  gateway: z.string().trim().min(1).max(200),
});

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return port;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Validates options or exits 2 listing every problem. */
function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) process.stderr.write(`invalid --${kebab(issue.path.map(String).join('.'))}: ${issue.message}\n`);
  process.exit(2);
}

function withDatabaseEnv(raw: Record<string, unknown>): Record<string, unknown> {
  const fromEnv = process.env.DATABASE_URL;
  return { ...raw, databaseUrl: raw.databaseUrl ?? (fromEnv && fromEnv !== '' ? fromEnv : undefined) };
}

async function openMigrated(options: z.output<typeof DatabaseOptions>, log: Logger): Promise<Database> {
  const database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir, log });
  try {
    await runMigrations(database, log);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

async function serve(raw: Record<string, unknown>): Promise<void> {
  const options = parseOptions(ServeOptions, withDatabaseEnv(raw));
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const database = await openMigrated(options, log);
  const config = AppConfig.parse({ trustProxy: options.trustProxy, cookieSecure: options.cookieSecure });
  const app = buildApp({ database, log, config });
  // Expired and idle sessions, reset tokens and rate-limit windows: every 15 minutes, on one replica at a time.
  const stopAuthCleanup = startAuthCleanup(database, log, { sessionIdleTimeoutMs: config.sessionIdleTimeoutMs });
  // Weekly partitions ahead and retention: now, then hourly, on one replica at a time.
  const jobs = startTimeseriesJobs({ database, log });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'cloud stopping');
    try {
      await app.close();
      await stopAuthCleanup();
      await jobs.stop();
      await database.close();
      log.info('cloud stopped');
    } catch (err) {
      log.error({ err }, 'clean shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const address = await app.listen({ host: options.host, port: options.port });
  log.info({ url: address }, 'cloud listening');
}

async function migrate(raw: Record<string, unknown>): Promise<void> {
  const options = parseOptions(DatabaseOptions, withDatabaseEnv(raw));
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const database = await openMigrated(options, log);
  await database.close();
}

/** An operator command: validated options, a migrated database, one JSON object on stdout (logs on stderr). */
async function runCommand<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  fn: (options: z.output<S>, database: Database) => Promise<unknown>,
): Promise<void> {
  const options = parseOptions(schema, raw);
  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const database = await openMigrated(parseOptions(DatabaseOptions, withDatabaseEnv(raw)), log);
  try {
    process.stdout.write(`${JSON.stringify(await fn(options, database))}\n`);
  } catch (err) {
    const refusal = describeRefusal(err);
    if (!refusal) throw err;
    process.stderr.write(`solarhub-cloud: ${refusal}\n`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

async function provision(raw: Record<string, unknown>): Promise<void> {
  const options = parseOptions(ProvisionOptions, withDatabaseEnv(raw));
  // stdout carries the JSON result: logs go to stderr.
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const database = await openMigrated(options, log);
  try {
    const result = await provisionDemo(database.db, options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await database.close();
  }
}

export function cli(): Command {
  const program = new Command('solarhub-cloud').description('SolarHub cloud: ingest from gateways, read API');
  const dbFlags = (cmd: Command) =>
    cmd
      .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL; without either, PGlite in --data-dir)')
      .option('--data-dir <dir>', 'PGlite data folder when no database URL is given', '.data/cloud');
  dbFlags(
    program
      .command('serve')
      .description('run migrations and serve the HTTP API')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 8080)
      .option('--trust-proxy', 'trust X-Forwarded-* from the reverse proxy / load balancer in front (client address, https)')
      .option('--cookie-secure <mode>', 'session cookie: auto (Secure __Host- cookie when the request came over https), always, never', 'auto'),
  ).action(serve);
  dbFlags(program.command('migrate').description('apply database migrations and exit')).action(migrate);
  dbFlags(
    program
      .command('provision-demo')
      .description('create or reuse an organization, site and gateway; print fresh tokens as JSON')
      .requiredOption('--organization <name>', 'organization name')
      .requiredOption('--site <name>', 'site name')
      .requiredOption('--gateway <name>', 'gateway name'),
  ).action(provision);
  addOperatorCommands(program, { dbFlags, run: runCommand });
  return program;
}

cli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`solarhub-cloud: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
