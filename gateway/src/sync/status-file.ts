import { renameSync, writeFileSync } from 'node:fs';
import type { SyncStatusReport } from '@solarhub/shared';

/**
 * The local sync status, for the CLI and for people on the box:
 * `<dataDir>/sync-status.json`, replaced atomically (write, then rename), so
 * a reader never sees half a file. See README "Sync status on the gateway".
 */
export interface LocalSyncStatus extends SyncStatusReport {
  /** When this file was written (ms). */
  updatedAt: number;
  pid: number;
  consecutiveFailures: number;
  oldestSeq: number | null;
  newestSeq: number | null;
  /** Gap reports not yet acknowledged by the cloud. */
  gapsPending: number;
}

export const SYNC_STATUS_FILE = 'sync-status.json';

/** False when it could not be written (disk full...): the status file must never stop the sync. */
export function writeStatusFile(file: string, status: LocalSyncStatus): boolean {
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return true;
  } catch {
    return false;
  }
}
