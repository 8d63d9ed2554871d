import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DeviceReport } from '@solarhub/shared';
import { z } from 'zod';

/**
 * The running daemon's state for `solarhub-gateway status`: written by `run`
 * into the data folder every few seconds (atomically), read by the CLI.
 */
export const STATUS_FILE = 'status.json';

export const DaemonStatus = z.object({
  pid: z.number().int(),
  bootId: z.string(),
  gateway: z.string(),
  startedAt: z.number(),
  updatedAt: z.number(),
  /** How often the file is rewritten, ms: older than a few of these means the daemon is gone or stuck. */
  intervalMs: z.number(),
  devices: z.array(z.record(z.string(), z.unknown())),
  /** Last values per device: metric -> { value, unit, ts }. */
  lastValues: z.record(z.string(), z.record(z.string(), z.object({ value: z.number(), unit: z.string(), ts: z.number() }))).default({}),
  buffer: z.object({ backlog: z.number(), oldestTs: z.number().nullable() }).loose(),
  sync: z
    .object({ lastSuccessAt: z.number().nullable(), lastError: z.string().nullable(), consecutiveFailures: z.number().optional() })
    .loose(),
  droppedTotal: z.number().nullable().default(null),
  clockSynced: z.boolean().nullable().default(null),
});
export type DaemonStatus = z.infer<typeof DaemonStatus>;
export type DaemonDevice = DeviceReport;

export function statusPath(dataDir: string): string {
  return path.join(dataDir, STATUS_FILE);
}

export function writeStatusFile(dataDir: string, status: DaemonStatus): void {
  const file = statusPath(dataDir);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(status), { mode: 0o640 });
  renameSync(tmp, file);
}

/** The last status the daemon wrote, or undefined when there is none. Throws on a corrupt file. */
export function readStatusFile(dataDir: string): DaemonStatus | undefined {
  let text: string;
  try {
    text = readFileSync(statusPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return DaemonStatus.parse(JSON.parse(text));
}

/** True when the process that wrote the status still exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
