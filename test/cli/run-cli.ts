import { execFile } from 'node:child_process';
import { programCommand, repoRoot } from '../../scripts/src/process/service.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  /** Run as another user (runuser -u USER), e.g. to meet permission errors as root. */
  user?: string;
  /** Prefix command, e.g. ['faketime', '1970-01-02 00:00:00']. */
  wrap?: string[];
  timeoutMs?: number;
}

/** Runs the real solarhub-gateway binary from source (tsx) with no terminal; resolves with exit code and output. */
export function runCli(args: string[], opts: CliRunOptions = {}): Promise<CliResult> {
  let command = [...(opts.wrap ?? []), ...programCommand('gateway', 'main', 'source'), ...args];
  if (opts.user) command = ['runuser', '-u', opts.user, '--', ...command];
  return new Promise((resolve) => {
    execFile(
      command[0]!,
      command.slice(1),
      { cwd: repoRoot, env: { ...process.env, SOLARHUB_CONFIG: '/nonexistent/gateway.json', ...opts.env }, timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
