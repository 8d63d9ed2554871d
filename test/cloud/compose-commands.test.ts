import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { programCommand, repoRoot, startService, stopCleanly, type Service } from '../../scripts/src/process/service.js';
import { freePort } from '../../scripts/src/testing/postgres.js';

/**
 * docker-compose.yml without a container engine (this machine has none, so
 * `docker compose up` itself is not run here): each service's command,
 * environment and health check, as the file writes them, run against a real
 * PostgreSQL on loopback. What this cannot show: the image build, the
 * network between containers and the volume. The `postgres` service is
 * played by the test cluster with the user, password and database the file
 * gives it; `postgres:5432` in the URLs becomes the cluster's address,
 * `node cloud/dist/main.js` the cloud's entry point (from source, as every
 * test runs it), and the published port 8080 a free loopback port.
 */
const Service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
});
const Compose = z.object({ services: z.record(z.string(), Service), volumes: z.record(z.string(), z.unknown().nullable()).optional() });

const compose = Compose.parse(parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')));
const services = compose.services;
const PASSWORD = 'compose-test-password';
const run = promisify(execFile);

/** ${VAR} and ${VAR:?message} as compose substitutes them, from `vars`. */
const substitute = (text: string, vars: Record<string, string>) =>
  text.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`docker-compose.yml needs ${name}`);
    return value;
  });

/** A compose command `node cloud/dist/main.js ...args` as this test runs it. */
function cloudCommand(command: string[] | undefined): string[] {
  expect(command?.slice(0, 2)).toEqual(['node', 'cloud/dist/main.js']);
  return [...programCommand('cloud', 'main', 'source'), ...command!.slice(2)];
}

/** Splits a shell command line (plain words, '…' and "…"), as in the README. */
const shellWords = (line: string) => [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

describe('docker-compose.yml, service by service, without a container engine', () => {
  let env: Record<string, string>;
  let cloud: Service | undefined;
  let port: number;

  beforeAll(async () => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) throw new Error('no PostgreSQL binaries: the global setup starts a cluster');
    // The postgres service: its user (a superuser, as the image makes it), password and database.
    const pgEnv = services.postgres!.environment!;
    const user = pgEnv.POSTGRES_USER!;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${PASSWORD}'`);
      await admin.query(`CREATE DATABASE ${pgEnv.POSTGRES_DB!} OWNER ${user}`);
    } finally {
      await admin.end();
    }
    const { host, port: pgPort } = new URL(adminUrl);
    const url = substitute(services.cloud!.environment!.DATABASE_URL!, { POSTGRES_PASSWORD: PASSWORD }).replace('@postgres:5432/', `@${host.split(':')[0]}:${pgPort}/`);
    env = { ...process.env, DATABASE_URL: url } as Record<string, string>;
    port = await freePort();
  });

  afterAll(async () => {
    if (cloud) await stopCleanly(cloud);
  });

  it('describes PostgreSQL with a volume and a health check, the migrations once, then the cloud', () => {
    expect(services.postgres).toMatchObject({ image: expect.stringMatching(/^postgres:\d+/), volumes: [expect.stringMatching(/^pgdata:/)] });
    expect(Object.keys(compose.volumes ?? {})).toContain('pgdata');
    expect(services.postgres!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.cloud!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    // Both build the image the Dockerfile describes, and it exists; its default command is the cloud's.
    for (const name of ['migrate', 'cloud']) expect(existsSync(join(repoRoot, services[name]!.build!.dockerfile))).toBe(true);
    const dockerfile = readFileSync(join(repoRoot, services.cloud!.build!.dockerfile), 'utf8');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(services.cloud!.command)}`.replace(/","/g, '", "'));
    // Without POSTGRES_PASSWORD the file refuses to start, saying why.
    expect(() => substitute(services.postgres!.environment!.POSTGRES_PASSWORD!, {})).toThrow('needs POSTGRES_PASSWORD');
    // Both services reach the same database.
    expect(services.migrate!.environment!.DATABASE_URL).toBe(services.cloud!.environment!.DATABASE_URL);
  });

  it('migrate: the command runs the migrations and exits 0', async () => {
    const [cmd, ...args] = cloudCommand(services.migrate!.command);
    const { stdout } = await run(cmd!, args, { cwd: repoRoot, env });
    expect(stdout).toMatch(/migrat/i);
  }, 60_000);

  it('cloud: the command serves the API, and the health check says healthy', async () => {
    const command = cloudCommand(services.cloud!.command).map((a) => (a === '0.0.0.0' ? '127.0.0.1' : a === '8080' ? String(port) : a));
    expect(services.cloud!.ports).toEqual(['8080:8080']);
    cloud = await startService({ name: 'cloud', command, env, ready: (l) => l.msg === 'cloud listening' });
    const [cmd, ...args] = services.cloud!.healthcheck!.test.slice(1).map((a) => a.replace('127.0.0.1:8080', `127.0.0.1:${port}`));
    expect(cmd).toBe('node');
    await expect(run(process.execPath, args, { env })).resolves.toBeDefined();
  }, 60_000);

  it("the README's first organization command works on the same database", async () => {
    const line = readFileSync(join(repoRoot, 'README.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('docker compose run --rm migrate node cloud/dist/main.js org create'));
    expect(line).toBeDefined();
    const words = shellWords(line!).slice(5); // after `docker compose run --rm migrate`
    const [cmd, ...args] = cloudCommand(words);
    const { stdout } = await run(cmd!, args, { cwd: repoRoot, env });
    expect(JSON.parse(stdout)).toMatchObject({ organizationId: expect.any(String) });
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'you@acme.example', password: 'a long password' }),
    });
    expect(response.status).toBe(200);
  }, 60_000);
});
