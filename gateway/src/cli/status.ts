import { Command } from 'commander';
import { loadValidConfig } from './config-file.js';
import { clockLooksUnset, CLOCK_HINT } from './explain.js';
import { action, EXIT, print, type CliIo } from './io.js';
import { formatDuration } from './progress.js';
import { processAlive, readStatusFile, statusPath, type DaemonStatus } from './status-file.js';
import { formatTable } from './table.js';

/** Running when the writer still exists and wrote recently (a few of its intervals). */
export function isRunning(status: DaemonStatus, now: number, alive: (pid: number) => boolean = processAlive): boolean {
  return status.pid > 0 && alive(status.pid) && now - status.updatedAt < status.intervalMs * 5;
}

const ago = (ts: number | null | undefined, now: number) => (ts ? `${formatDuration(now - ts)} ago` : 'never');

export function formatStatus(status: DaemonStatus, now: number, running: boolean): string {
  const lines: string[] = [];
  lines.push(
    running
      ? `gateway "${status.gateway}" running (pid ${status.pid}) for ${formatDuration(now - status.startedAt)}`
      : `gateway "${status.gateway}" NOT RUNNING (last seen ${ago(status.updatedAt, now)})`,
  );
  lines.push('');
  const devices = status.devices as Array<{ device?: string; status?: string; lastSeen?: number; lastError?: string | null; model?: string }>;
  if (devices.length) {
    lines.push(
      formatTable(
        ['device', 'status', 'last reading', 'model', 'last error'],
        devices.map((d) => [String(d.device), String(d.status ?? 'unknown'), ago(d.lastSeen, now), d.model ?? '', (d.lastError ?? '').slice(0, 60)]),
      ),
    );
  } else lines.push('no devices configured');
  const values = Object.entries(status.lastValues).flatMap(([device, metrics]) =>
    Object.entries(metrics).map(([metric, v]) => [device, metric, `${Math.round(v.value * 1000) / 1000}`, v.unit, ago(v.ts, now)]),
  );
  if (values.length) {
    lines.push('');
    lines.push(formatTable(['device', 'metric', 'value', 'unit', 'taken'], values));
  }
  lines.push('');
  const b = status.buffer;
  lines.push(`buffer: ${b.backlog} reading(s) waiting${b.oldestTs ? `, oldest from ${ago(b.oldestTs, now)}` : ''}`);
  lines.push(`sync: last success ${ago(status.sync.lastSuccessAt, now)}${status.sync.lastError ? `; last error: ${status.sync.lastError}` : ''}`);
  if (status.droppedTotal !== null) lines.push(`dropped readings (buffer limits, disk): ${status.droppedTotal}`);
  if (status.clockSynced === false || clockLooksUnset(now)) lines.push(`clock: NOT SET (${new Date(now).toISOString()}): ${CLOCK_HINT}`);
  return lines.join('\n');
}

export function statusCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('status')
    .description("The running gateway's state: devices with health, buffer backlog and oldest unsynced reading, last sync, dropped readings")
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .option('--json', 'as JSON, for scripts')
    .action(
      action(io, (opts: { config: string; json?: boolean }) => {
        const config = loadValidConfig(opts.config, io.env);
        const status = readStatusFile(config.dataDir);
        if (!status) {
          if (opts.json) print(io.stdout, JSON.stringify({ running: false }));
          print(io.stderr, `the gateway has not run with this configuration (no ${statusPath(config.dataDir)})`);
          print(io.stderr, 'hint: `sudo systemctl start solarhub-gateway`; `journalctl -u solarhub-gateway -e` shows why it stopped');
          return EXIT.failed;
        }
        const running = isRunning(status, io.now());
        if (opts.json) print(io.stdout, JSON.stringify({ running, ...status }));
        else print(io.stdout, formatStatus(status, io.now(), running));
        return running ? EXIT.ok : EXIT.failed;
      }),
    );
}
