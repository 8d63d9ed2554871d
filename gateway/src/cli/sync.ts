import path from 'node:path';
import { Command } from 'commander';
import { packReadings } from '@solarhub/shared';
import { openOutbox } from '../buffer/outbox.js';
import { OUTBOX_FILE } from '../daemon.js';
import { createCloudClient } from '../sync/cloud-client.js';
import { loadValidConfig } from './config-file.js';
import { action, CliError, cliLogger, EXIT, explained, print, type CliIo } from './io.js';
import { createProgress } from './progress.js';
import { isRunning } from './status.js';
import { readStatusFile } from './status-file.js';

/**
 * `sync`: pushes the buffer to the cloud now, oldest first, a batch at a
 * time, deleting only what the cloud acknowledged (the daemon's rules). When
 * the daemon runs it owns the buffer: the command says so and leaves it be.
 */
export function syncCommand(io: CliIo, defaultConfig: string): Command {
  return new Command('sync')
    .description('Push the buffered readings to the cloud now and report progress (when the gateway service is stopped)')
    .option('-c, --config <file>', 'configuration file', defaultConfig)
    .action(
      action(io, async (opts: { config: string }) => {
        const config = loadValidConfig(opts.config, io.env);
        const status = readStatusFile(config.dataDir);
        if (status && isRunning(status, io.now())) {
          throw new CliError('DAEMON_RUNNING', `the gateway runs (pid ${status.pid}) and syncs on its own: backlog ${status.buffer.backlog}`, {
            hint: '`solarhub-gateway status` follows it; to push by hand, stop the service first (`sudo systemctl stop solarhub-gateway`)',
          });
        }
        const log = cliLogger(io, 'error');
        const outbox = openOutbox(path.join(config.dataDir, OUTBOX_FILE), { log });
        const client = createCloudClient({ url: config.cloud.url, token: config.cloud.token, timeoutMs: config.cloud.requestTimeoutMs });
        try {
          const total = outbox.stats().backlog;
          if (total === 0) {
            print(io.stdout, 'nothing to sync: the buffer is empty');
            return EXIT.ok;
          }
          print(io.stderr, `syncing ${total} reading(s) to ${config.cloud.url}`);
          const progress = createProgress(io.stderr, total, io.now);
          let sent = 0;
          for (;;) {
            const readings = outbox.peek(config.sync.maxBatchReadings);
            if (readings.length === 0) break;
            let ack;
            try {
              ack = await client.ingest({ sentAt: io.now(), ...packReadings(readings), devices: [] });
            } catch (err) {
              throw explained(err, { target: config.cloud.url, now: io.now() });
            }
            if (ack.ackedFrom === null || ack.ackedTo === null) throw new CliError('CLOUD_NO_ACK', 'the cloud acknowledged nothing: stopping');
            sent += outbox.ack(ack.ackedFrom, ack.ackedTo);
            progress.update(Math.min(sent, total), 'readings sent');
          }
          print(io.stdout, `synced ${sent} reading(s); the buffer is empty`);
          return EXIT.ok;
        } finally {
          outbox.close();
        }
      }),
    );
}
