import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

/**
 * systemd's notify protocol (sd_notify(3)) for Type=notify services:
 * READY=1 once the gateway runs, WATCHDOG=1 at half of WATCHDOG_USEC while
 * its loops are alive, STOPPING=1 on the way out. Node has no unix datagram
 * sockets, so messages go through the `systemd-notify` binary (present
 * wherever systemd is); it waits until systemd has read each message, so the
 * unit needs NotifyAccess=all (the sender is a child process). Without
 * NOTIFY_SOCKET (not under systemd) every call does nothing.
 */
export interface SystemdNotifier {
  /** True under systemd with a notify socket. */
  readonly enabled: boolean;
  /** Watchdog ping interval (half of WATCHDOG_USEC), ms; undefined when the unit has no watchdog. */
  readonly watchdogIntervalMs: number | undefined;
  ready(status?: string): Promise<void>;
  stopping(status?: string): Promise<void>;
  status(text: string): Promise<void>;
  /** Pings the watchdog every watchdogIntervalMs while `alive()` says the loops turn; a missed ping lets systemd restart us. */
  startWatchdog(alive: () => boolean, status?: () => string): void;
  stopWatchdog(): void;
}

export interface SystemdNotifierOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** This process's pid (to check WATCHDOG_PID). */
  pid?: number;
  /** The systemd-notify binary. */
  binary?: string;
  /** Longest wait for one message to be acknowledged, ms (default 5000). */
  timeoutMs?: number;
}

/** WATCHDOG_USEC / 2 in ms, or undefined when there is no watchdog for this process. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/** One line of free text for STATUS= (no newlines; systemd shows it in `systemctl status`). */
export function statusField(text: string): string {
  return `STATUS=${text.replace(/[\r\n]+/g, ' ').slice(0, 200)}`;
}

export function createSystemdNotifier(options: SystemdNotifierOptions): SystemdNotifier {
  const { env, log } = options;
  const socket = env.NOTIFY_SOCKET;
  const enabled = Boolean(socket);
  const pid = options.pid ?? process.pid;
  const interval = enabled ? watchdogInterval(env, pid) : undefined;
  const binary = options.binary ?? 'systemd-notify';
  let timer: NodeJS.Timeout | undefined;
  let inFlight = false;
  let warned = false;

  function send(fields: string[]): Promise<void> {
    if (!enabled) return Promise.resolve();
    return new Promise((resolve) => {
      execFile(binary, fields, { env: { PATH: env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: socket }, timeout: options.timeoutMs ?? 5000 }, (err, _stdout, stderr) => {
        if (err && !warned) {
          // Once: a missing binary or a refused message must not flood the journal.
          warned = true;
          log.warn({ err, stderr: String(stderr).trim(), fields }, 'systemd notification failed (is systemd-notify installed, and NotifyAccess=all set?)');
        }
        resolve();
      });
    });
  }

  return {
    enabled,
    watchdogIntervalMs: interval,
    ready: (status) => send(['--ready', ...(status ? [statusField(status)] : [])]),
    stopping: (status) => send(['STOPPING=1', ...(status ? [statusField(status)] : [])]),
    status: (text) => send([statusField(text)]),
    startWatchdog(alive, status) {
      if (interval === undefined || timer) return;
      timer = setInterval(() => {
        if (inFlight) return;
        if (!alive()) {
          log.warn('loops stalled: not pinging the systemd watchdog');
          return;
        }
        inFlight = true;
        void send(['WATCHDOG=1', ...(status ? [statusField(status())] : [])]).finally(() => {
          inFlight = false;
        });
      }, interval);
      timer.unref();
    },
    stopWatchdog() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
