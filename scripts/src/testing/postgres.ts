import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temp
 * folder, pg_ctl start on a free loopback port, trust auth, removed on stop.
 */
export interface ThrowawayPostgres {
  /** URL of the `postgres` database as superuser `postgres`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stop the server (fast shutdown) without removing its data. */
  halt(): Promise<void>;
  /** Start it again on the same port after halt(). */
  resume(): Promise<void>;
  /** Stop and delete everything. */
  stop(): Promise<void>;
}

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

/** Finds initdb and pg_ctl on PATH or in Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBinaries(): PostgresBinaries | null {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(debianRoot, v, 'bin'));
  }
  for (const dir of dirs) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (existsSync(initdb) && existsSync(pgCtl)) return { initdb, pgCtl };
  }
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const res = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status}): ${res.stderr || res.stdout}`);
  }
}

/** initdb refuses to run as root: run it (and the server) as the "postgres" OS user then. */
function asUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

export async function startThrowawayPostgres(binaries = findPostgresBinaries()): Promise<ThrowawayPostgres> {
  if (!binaries) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found: install the "postgresql" package');
  const root = mkdtempSync(join(tmpdir(), 'solarhub-pg-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (process.getuid?.() === 0) run('chown', ['postgres:postgres', root], env);
  const [initCmd, initArgs] = asUser(binaries.initdb, [
    '-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync',
  ]);
  run(initCmd, initArgs, env);
  const options = [
    `-p ${port}`, '-h 127.0.0.1', `-k ${root}`, '-c fsync=off', '-c synchronous_commit=off',
    '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=128MB',
  ].join(' ');
  const start = async () => {
    const [cmd, args] = asUser(binaries.pgCtl, ['-D', dataDir, '-l', join(root, 'server.log'), '-o', options, '-w', 'start']);
    run(cmd, args, env);
  };
  const halt = async () => {
    const [cmd, args] = asUser(binaries.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    run(cmd, args, env);
  };
  await start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await halt();
    } catch {
      // already stopped
    }
    rmSync(root, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dataDir, halt, resume: start, stop };
}

/** Creates a fresh, uniquely named database on the cluster and returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'test'): Promise<string> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

