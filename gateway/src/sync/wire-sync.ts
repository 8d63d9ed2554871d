import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeviceReport } from '@solarhub/shared';
import type { Logger } from 'pino';
import type { Outbox } from '../buffer/outbox.js';
import { CLOCK_FLOOR_MS, createClockWatch, type ClockWatch } from '../clock/clock-watch.js';
import type { GatewayConfig } from '../config/schema.js';
import { createCloudClient } from './cloud-client.js';
import { fetchWithCa } from './https-fetch.js';
import { SYNC_STATUS_FILE } from './status-file.js';
import { createSyncLoop, type SyncLoop } from './sync-loop.js';

export interface WiredSync {
  sync: SyncLoop;
  clock: ClockWatch;
}

/** The sync stage from the config: cloud client (custom CA if set), clock watch, sync loop with its local status file. */
export function wireSync(options: {
  config: GatewayConfig;
  outbox: Outbox;
  devices: () => DeviceReport[];
  bootId: string;
  log: Logger;
  fetch?: typeof fetch | undefined;
}): WiredSync {
  const { config, log } = options;
  const clock = createClockWatch({ floorMs: CLOCK_FLOOR_MS, maxSkewMs: config.sync.maxClockSkewMs, log });
  const customFetch = options.fetch ?? (config.cloud.caFile ? fetchWithCa(readFileSync(config.cloud.caFile)) : undefined);
  const client = createCloudClient({
    url: config.cloud.url,
    token: config.cloud.token,
    timeoutMs: config.cloud.requestTimeoutMs,
    fetch: customFetch,
    onServerDate: (date, sent, received) => clock.observeServerDate(date, sent, received),
  });
  const sync = createSyncLoop({
    outbox: options.outbox,
    client,
    devices: options.devices,
    intervalMs: config.sync.intervalMs,
    maxBatchReadings: config.sync.maxBatchReadings,
    maxBatchBytes: config.sync.maxBatchBytes,
    inFlight: config.sync.inFlight,
    maxBackoffMs: config.sync.maxBackoffMs,
    baseBackoffMs: config.sync.retryBaseMs,
    clock: () => clock.state(),
    bootId: options.bootId,
    statusFile: path.join(config.dataDir, SYNC_STATUS_FILE),
    log: log.child({ component: 'sync' }),
  });
  return { sync, clock };
}
