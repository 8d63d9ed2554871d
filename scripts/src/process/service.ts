import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's place in scripts/src|dist/process/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * How to run one of our programs: the compiled JavaScript in dist/ (what
 * users run) or the TypeScript sources through tsx (what tests run, so they
 * need no build).
 */
export type RunMode = 'dist' | 'source';

export function programCommand(workspace: 'gateway' | 'cloud' | 'scripts', entry: string, mode: RunMode): string[] {
  if (mode === 'dist') return [process.execPath, join(repoRoot, workspace, 'dist', `${entry}.js`)];
  return [process.execPath, '--conditions=source', '--import', 'tsx', join(repoRoot, workspace, 'src', `${entry}.ts`)];
}

export interface ServiceOptions {
  name: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout and stderr go; by default they are kept in memory only (last lines). */
  logFile?: string;
  /** Resolves start() when a JSON log line satisfies it. */
  ready?: (line: Record<string, unknown>) => boolean;
  readyTimeoutMs?: number;
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** The JSON line that signalled readiness. */
  readonly readyLine: Record<string, unknown>;
  /** Last lines of output, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once (crash simulation). */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

function parseJsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Starts a program as a child process and waits until it says it is ready. */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const [cmd, ...args] = opts.command;
  if (!cmd) throw new Error(`${opts.name}: empty command`);
  let log: WriteStream | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    log = createWriteStream(opts.logFile, { flags: 'a' });
  }
  // Its own process group: a Ctrl-C in the terminal reaches only the parent,
  // which then stops its children in order (gateway before cloud).
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', orphanGuard);
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 60) lines.shift();
    log?.write(`${line}\n`);
  };
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      process.removeListener('exit', orphanGuard);
      resolve(code);
    });
  });
  let readyLine: Record<string, unknown> | undefined;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timeoutMs = opts.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () => reject(new Error(`${opts.name} did not become ready within ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onLine = (line: string) => {
      remember(line);
      if (readyLine || !opts.ready) return;
      const obj = parseJsonLine(line);
      if (obj && opts.ready(obj)) {
        readyLine = obj;
        clearTimeout(timer);
        resolve(obj);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!readyLine) reject(new Error(`${opts.name} exited (code ${code}) before it was ready:\n${lines.join('\n')}`));
    });
    if (!opts.ready) {
      clearTimeout(timer);
      resolve({});
    }
  });
  const line = await ready;
  void exited.then(() => log?.end());
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { name: opts.name, child, readyLine: line, tail: () => lines.join('\n'), stop, kill, exited };
}

/**
 * Stops a service with SIGTERM and fails, with its last output, unless it
 * exits 0 on its own within graceMs (the programs promise a clean stop).
 */
export async function stopCleanly(svc: Service, graceMs = 20_000): Promise<void> {
  const code = await svc.stop(graceMs);
  if (code !== 0) {
    const how = code === null ? `killed after ${graceMs} ms (signal ${svc.child.signalCode})` : `exit ${code}`;
    throw new Error(`${svc.name} did not stop cleanly (${how}); last output:\n${svc.tail()}`);
  }
}
