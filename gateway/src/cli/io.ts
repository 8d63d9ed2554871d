import { pino, type Logger } from 'pino';
import { GatewayError } from '../errors.js';
import { explainError, type ExplainContext } from './explain.js';

/**
 * What a command may touch of the outside world. main.ts passes the real
 * process streams and environment; nothing below reads `process` directly.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Sets the exit code the process ends with (main.ts: process.exitCode). */
  setExitCode(code: number): void;
}

/** Exit codes of every command (documented in the README's CLI reference). */
export const EXIT = {
  ok: 0,
  /** The operation failed (device, network, cloud). */
  failed: 1,
  /** Bad usage or an invalid configuration file. */
  usage: 2,
} as const;

/** A failure the CLI reports as `error: message` + `hint: ...` and exits with `exitCode`. */
export class CliError extends GatewayError {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(code: string, message: string, options: { hint?: string | undefined; exitCode?: number; context?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, options.context ?? {}, { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

export function print(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints `error: ...` and `hint: ...` for any error; returns the exit code. */
export function reportError(io: CliIo, err: unknown, context: ExplainContext = {}): number {
  if (err instanceof CliError) {
    print(io.stderr, `error: ${err.message}`);
    if (err.hint) print(io.stderr, `hint: ${err.hint}`);
    return err.exitCode;
  }
  const explained = explainError(err, { now: io.now(), ...context });
  print(io.stderr, `error: ${explained.message}`);
  if (explained.hint) print(io.stderr, `hint: ${explained.hint}`);
  if (io.env.SOLARHUB_DEBUG) print(io.stderr, err instanceof Error ? (err.stack ?? err.message) : String(err));
  return EXIT.failed;
}

/** Wraps a command's action: its return value is the exit code; errors are explained on stderr. */
export function action<A extends unknown[]>(io: CliIo, fn: (...args: A) => Promise<number> | number): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      io.setExitCode(await fn(...args));
    } catch (err) {
      io.setExitCode(reportError(io, err));
    }
  };
}

/** A CliError from any error, explained (for places that must throw rather than print). */
export function explained(err: unknown, context: ExplainContext = {}): CliError {
  if (err instanceof CliError) return err;
  const e = explainError(err, context);
  return new CliError(e.code, e.message, { hint: e.hint, cause: err });
}

/**
 * Logger for interactive commands: pretty and terse on a terminal, warnings
 * only; JSON when stderr is not a terminal (scripts, journald).
 */
export function cliLogger(io: CliIo, level = 'warn'): Logger {
  if (io.stderr.isTTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino({ level }, pino.destination(2));
}
