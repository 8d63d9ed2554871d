import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTBOX_FILE } from '@solarhub/gateway';
import { backlogStart, copyBaseline, fillOutbox, type BacklogShape } from './backlog.js';
import { readMemory, startDrainGateway, waitSampling, writeDrainConfig, type Memory } from './gateway-process.js';
import { startCloudStand } from './sync-stand.js';

export interface DrainResult {
  /** From spawning the gateway process until the cloud had committed the last acknowledgement. */
  seconds: number;
  /** The same, from the gateway's "gateway started" line (without Node's start-up). */
  secondsFromReady: number;
  copySeconds: number;
  /** Peak resident memory of the gateway process while draining, MiB. */
  peakRssMiB: number;
  /** The same gateway process, idle with an empty outbox (measured only when asked). */
  idle: Memory | null;
}

const say = (msg: string) => process.stderr.write(`  ${msg}\n`);

/**
 * One end-to-end run: a pre-filled outbox drained by the gateway process
 * through the real sync code over HTTP into the real cloud and PostgreSQL,
 * then the same rows by COPY into the emptied measurements table.
 */
export async function runDrain(shape: BacklogShape, options: { sync?: Record<string, unknown>; measureIdle?: boolean; timeoutMs?: number } = {}): Promise<DrainResult> {
  const dir = mkdtempSync(join(tmpdir(), 'solarhub-bench-drain-'));
  const stand = await startCloudStand();
  try {
    let idle: Memory | null = null;
    if (options.measureIdle) {
      const idleDir = join(dir, 'idle');
      mkdirSync(idleDir);
      const gw = await startDrainGateway(writeDrainConfig(dir, idleDir, stand.baseUrl, stand.gatewayToken, options.sync));
      await new Promise((r) => setTimeout(r, 3000));
      idle = readMemory(gw.service.child.pid!);
      await gw.service.stop();
      say(`idle gateway: rss ${idle.rssMiB.toFixed(1)} MiB, peak ${idle.peakMiB.toFixed(1)} MiB`);
    }
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const start = backlogStart(shape);
    const t0 = performance.now();
    fillOutbox(join(dataDir, OUTBOX_FILE), shape, start);
    say(`outbox filled with ${shape.readings} readings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const gw = await startDrainGateway(writeDrainConfig(dir, dataDir, stand.baseUrl, stand.gatewayToken, options.sync));
    const readyAt = performance.now();
    const pid = gw.service.child.pid!;
    const waited = await waitSampling(pid, async () => (await stand.acknowledged()) >= shape.readings, options.timeoutMs ?? 120_000);
    const seconds = (waited.finishedAt - gw.spawnedAt) / 1000;
    const secondsFromReady = (waited.finishedAt - readyAt) / 1000;
    const code = await gw.service.stop();
    if (code !== 0) throw new Error(`gateway exited with ${code}:\n${gw.service.tail()}`);
    const { rows } = await stand.admin.query<{ n: string; seqs: string }>(
      'SELECT count(*) AS n, count(DISTINCT seq) AS seqs FROM measurements WHERE gateway_id = $1',
      [stand.gatewayId],
    );
    if (Number(rows[0]!.n) !== shape.readings || Number(rows[0]!.seqs) !== shape.readings) {
      throw new Error(`cloud stored ${rows[0]!.n} rows (${rows[0]!.seqs} distinct seqs), expected ${shape.readings}`);
    }
    say(`drained ${shape.readings} readings in ${seconds.toFixed(2)} s (${secondsFromReady.toFixed(2)} s after ready), peak rss ${waited.peakRssMiB.toFixed(1)} MiB`);

    const copySeconds = await copyBaseline(stand.admin, stand.gatewayId, shape, start);
    say(`COPY of the same ${shape.readings} rows: ${copySeconds.toFixed(2)} s`);
    return { seconds, secondsFromReady, copySeconds, peakRssMiB: waited.peakRssMiB, idle };
  } finally {
    await stand.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
