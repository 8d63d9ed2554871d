import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import { startGateway, type Gateway } from '../daemon.js';
import { createSystemdNotifier, type SystemdNotifier } from '../service/sd-notify.js';
import { loadValidConfig } from './config-file.js';
import { clockLooksUnset, CLOCK_HINT } from './explain.js';
import { action, CliError, EXIT, type CliIo } from './io.js';
import { writeStatusFile } from './status-file.js';

/** How long SIGTERM may take before the process gives up waiting and exits 1. */
export const STOP_DEADLINE_MS = 10_000;
const STATUS_INTERVAL_MS = 5000;
const WATCH_DEBOUNCE_MS = 300;

interface RunOptions {
  config: string;
  logLevel: string;
  pretty?: boolean;
  watch: boolean;
}

function fileHash(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

function runLogger(io: CliIo, opts: RunOptions): Logger {
  if (opts.pretty) return pino({ level: opts.logLevel, transport: { target: 'pino-pretty', options: { destination: 1, ignore: 'pid,hostname' } } });
  return pino({ level: opts.logLevel });
}

/**
 * The daemon. Reload (SIGHUP, or the config file changing) validates the new
 * file first; when it is invalid the running gateway carries on. A valid one
 * replaces the gateway: in-flight polls finish and their readings are
 * committed to the outbox before the new devices start, so no reading is
 * lost; the outbox and its sequence numbers carry over.
 */
export class GatewayRunner {
  private gateway: Gateway | undefined;
  private config: GatewayConfig;
  private configHash: string | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly startedAt: number;
  private lastStatusAt = 0;
  /** The buffer as last seen, for the final status written after the outbox is closed. */
  private lastBuffer: { backlog: number; oldestTs: number | null } = { backlog: 0, oldestTs: null };
  private lastSync: Record<string, unknown> = {};

  constructor(
    private readonly io: CliIo,
    private readonly file: string,
    private readonly log: Logger,
    private readonly notifier: SystemdNotifier,
  ) {
    this.config = loadValidConfig(file, io.env);
    this.configHash = fileHash(file);
    this.startedAt = io.now();
  }

  start(watchFile: boolean): void {
    if (clockLooksUnset(this.io.now())) {
      this.log.warn({ clock: new Date(this.io.now()).toISOString(), hint: CLOCK_HINT }, 'the clock is not set: readings are flagged clock_unsynced until it is');
    }
    this.gateway = startGateway({ config: this.config, log: this.log });
    this.statusTimer = setInterval(() => this.writeStatus(), STATUS_INTERVAL_MS);
    this.writeStatus();
    if (watchFile) this.watch();
    void this.notifier.ready(this.summary());
    this.notifier.startWatchdog(() => this.alive(), () => this.summary());
  }

  /** Reloads the configuration (SIGHUP, file change). Never throws; a bad file keeps the running devices. */
  reload(reason: string): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.stopping) return;
      let next: GatewayConfig;
      try {
        next = loadValidConfig(this.file, this.io.env);
      } catch (err) {
        this.log.error({ reason, err: err instanceof CliError ? err.message : err }, 'configuration reload refused: the gateway keeps running with the previous configuration');
        return;
      }
      this.configHash = fileHash(this.file);
      if (next.dataDir !== this.config.dataDir) {
        this.log.error({ dataDir: next.dataDir, running: this.config.dataDir }, 'dataDir cannot change on reload: restart the service');
        return;
      }
      this.log.info({ reason, devices: next.devices.map((d) => d.id) }, 'reloading configuration');
      await this.gateway?.stop();
      this.config = next;
      this.gateway = startGateway({ config: next, log: this.log });
      this.writeStatus();
      void this.notifier.status(this.summary());
    });
    return this.chain;
  }

  async stop(signal: string): Promise<void> {
    this.stopping = true;
    void this.notifier.stopping(`stopping (${signal})`);
    this.notifier.stopWatchdog();
    clearInterval(this.statusTimer);
    clearTimeout(this.debounce);
    this.watcher?.close();
    await this.chain;
    this.writeStatus();
    await this.gateway?.stop();
    this.writeStatus(true);
  }

  /** The watchdog's question: do the event loop, the status writer and the outbox still work? */
  alive(): boolean {
    if (!this.gateway || this.io.now() - this.lastStatusAt > STATUS_INTERVAL_MS * 5) return false;
    try {
      this.gateway.outbox.stats();
      return true;
    } catch {
      return false;
    }
  }

  private summary(): string {
    const g = this.gateway;
    if (!g) return 'starting';
    const devices = g.devices();
    const online = devices.filter((d) => d.status === 'online').length;
    return `${online}/${devices.length} devices online, backlog ${g.outbox.stats().backlog}`;
  }

  private watch(): void {
    const dir = path.dirname(path.resolve(this.file));
    const base = path.basename(this.file);
    try {
      this.watcher = watch(dir, (_event, name) => {
        if (name !== null && name !== base) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          const hash = fileHash(this.file);
          if (hash === undefined || hash === this.configHash) return;
          void this.reload('configuration file changed');
        }, WATCH_DEBOUNCE_MS);
      });
      this.watcher.on('error', (err) => this.log.warn({ err }, 'cannot watch the configuration file: reload with SIGHUP'));
    } catch (err) {
      this.log.warn({ err }, 'cannot watch the configuration file: reload with SIGHUP');
    }
  }

  private writeStatus(final = false): void {
    const g = this.gateway;
    if (!g) return;
    try {
      // After stop() the outbox is closed (and the sync status reads it): the
      // final status reports the buffer and the sync as last seen.
      const stats = final ? this.lastBuffer : g.outbox.stats();
      this.lastBuffer = { backlog: stats.backlog, oldestTs: stats.oldestTs };
      const sync = final ? this.lastSync : (g.syncStatus() as unknown as Record<string, unknown>);
      this.lastSync = sync;
      writeStatusFile(this.config.dataDir, {
        pid: final ? 0 : process.pid,
        bootId: g.bootId,
        gateway: this.config.gateway.name,
        startedAt: this.startedAt,
        updatedAt: this.io.now(),
        intervalMs: STATUS_INTERVAL_MS,
        devices: g.devices(),
        lastValues: g.lastValues(),
        buffer: { backlog: stats.backlog, oldestTs: stats.oldestTs },
        sync: {
          lastSuccessAt: (sync.lastSuccessAt as number | null) ?? null,
          lastError: (sync.lastError as string | null) ?? null,
          consecutiveFailures: sync.consecutiveFailures as number | undefined,
        },
        droppedTotal: typeof sync.droppedTotal === 'number' ? sync.droppedTotal : null,
        clockSynced: typeof sync.clockSynced === 'boolean' ? sync.clockSynced : !clockLooksUnset(this.io.now()),
      });
      this.lastStatusAt = this.io.now();
    } catch (err) {
      this.log.warn({ err }, 'cannot write the status file');
    }
  }
}

export function runCommand(io: CliIo, defaultConfig: string, exit: (code: number) => void): Command {
  return new Command('run')
    .description('Run the gateway (what the systemd service runs). SIGHUP or a change of the config file reloads it; SIGTERM stops it cleanly')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .option('--pretty', 'human-readable logs instead of JSON')
    .option('--no-watch', 'do not reload when the configuration file changes (SIGHUP still does)')
    .action(
      action(io, (opts: RunOptions) => {
        const log = runLogger(io, opts);
        const runner = new GatewayRunner(io, opts.config, log, createSystemdNotifier({ env: io.env, log: log.child({ component: 'systemd' }) }));
        let signals = 0;
        const shutdown = (signal: NodeJS.Signals) => {
          if (++signals > 1) {
            log.warn({ signal }, 'second signal: exiting at once');
            exit(EXIT.failed);
          }
          log.info({ signal }, 'stopping');
          const deadline = setTimeout(() => {
            log.error({ deadlineMs: STOP_DEADLINE_MS }, 'did not stop in time: exiting anyway');
            exit(EXIT.failed);
          }, STOP_DEADLINE_MS);
          runner.stop(signal).then(
            () => {
              clearTimeout(deadline);
              exit(EXIT.ok);
            },
            (err: unknown) => {
              log.error({ err }, 'error while stopping');
              exit(EXIT.failed);
            },
          );
        };
        // Handlers before start: the "gateway started" line may make a
        // supervisor send SIGTERM at once, and without a handler Node dies
        // of it on the spot, mid-write.
        process.on('SIGINT', shutdown);
        process.on('SIGTERM', shutdown);
        process.on('SIGHUP', () => void runner.reload('SIGHUP'));
        runner.start(opts.watch);
        return EXIT.ok;
      }),
    );
}
