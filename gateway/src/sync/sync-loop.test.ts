import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unpackReadings, type DeviceReport } from '@solarhub/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { openOutbox, type Outbox } from '../buffer/outbox.js';
import { captureLog } from '../testing/capture-log.js';
import { ackAll, startCloudStandIn, type CloudStandIn } from '../testing/cloud-stand-in.js';
import { createCloudClient } from './cloud-client.js';
import { createSyncLoop, type SyncLoop } from './sync-loop.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gw-sync-'));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const device: DeviceReport = { device: 'inverter-1', type: 'inverter', protocol: 'modbus_tcp', status: 'online', lastSeen: 1_700_000_000_000 };

async function setup(opts: { readings: number; maxBatchReadings?: number; maxBatchBytes?: number; intervalMs?: number; inFlight?: number; respond?: CloudStandIn['respond'] }) {
  const cloud = await startCloudStandIn(opts.respond);
  cleanups.push(() => cloud.close());
  const outbox: Outbox = openOutbox(path.join(dir, `${Math.random()}.db`));
  cleanups.push(() => outbox.close());
  outbox.append(
    Array.from({ length: opts.readings }, (_, i) => ({ device: 'inverter-1', metric: 'ac_power_w', ts: 1_700_000_000_000 + i, value: i, unit: 'W', point: 'sunspec.103.W' })),
  );
  const { log, lines } = captureLog();
  const sync: SyncLoop = createSyncLoop({
    outbox,
    client: createCloudClient({ url: cloud.url, token: 'shg_secret', timeoutMs: 5000 }),
    devices: () => [device],
    intervalMs: opts.intervalMs ?? 60_000,
    maxBatchReadings: opts.maxBatchReadings ?? 5,
    ...(opts.maxBatchBytes === undefined ? {} : { maxBatchBytes: opts.maxBatchBytes }),
    inFlight: opts.inFlight ?? 1,
    maxBackoffMs: 200,
    baseBackoffMs: 20,
    log,
  });
  cleanups.push(() => sync.stop());
  return { cloud, outbox, sync, lines };
}

const seqsOf = (cloud: CloudStandIn) => cloud.requests.map((r) => r.batch?.readings.seq);

describe('sync loop against an HTTP stand-in for the cloud', () => {
  it('sends gzip JSON with the token, batch after batch without waiting, and deletes what was acknowledged', async () => {
    const { cloud, outbox, sync } = await setup({ readings: 12 });
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the backlog to drain');
    // The interval is a minute: three batches in a row means it did not wait between them.
    expect(seqsOf(cloud)).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12]]);
    const first = cloud.requests[0]!;
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers.authorization).toBe('Bearer shg_secret');
    expect(first.batch!.devices).toEqual([device]);
    expect(unpackReadings(first.batch!)[0]).toMatchObject({ seq: 1, device: 'inverter-1', metric: 'ac_power_w', value: 0, point: 'sunspec.103.W' });
    expect(sync.status()).toMatchObject({ lastError: null, backlog: 0, consecutiveFailures: 0 });
    expect(sync.status().lastSuccessAt).toBeGreaterThan(0);
  });

  it('cuts a batch by bytes when the readings of a full batch would not fit, and sends the rest next', async () => {
    // Up to 10 readings by count. The first batch (with the devices and the sync
    // status) would hold 10 in about 700 bytes of JSON: it is cut, row by row.
    // The next ones hold 10 in about 420: they go whole, by column.
    const { cloud, outbox, sync } = await setup({ readings: 20, maxBatchReadings: 10, maxBatchBytes: 600 });
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the backlog to drain');
    const sent = seqsOf(cloud);
    expect(sent.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(sent.length).toBeGreaterThan(2);
    expect(sent[0]!.length).toBeLessThan(10);
    expect(sent[1]!.length).toBe(10);
    for (const request of cloud.requests) expect(request.jsonBytes).toBeLessThanOrEqual(600);
  });

  it('keeps everything after a 500 and sends the same readings again, deleting them only after the 200', async () => {
    const backlogAtRequest: number[] = [];
    let outboxRef: Outbox | undefined;
    const { cloud, outbox, sync } = await setup({
      readings: 3,
      respond: (batch, index) => {
        backlogAtRequest.push(outboxRef!.stats().backlog);
        return index === 0 ? { status: 500, body: { error: { code: 'INTERNAL', message: 'boom' } } } : ackAll(batch);
      },
    });
    outboxRef = outbox;
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the retry to succeed');
    expect(seqsOf(cloud)).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(backlogAtRequest).toEqual([3, 3]);
    expect(sync.status().lastError).toBeNull();
  });

  it('on a 4xx logs the error body, deletes nothing and backs off', async () => {
    const { cloud, outbox, sync, lines } = await setup({
      readings: 2,
      respond: () => ({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'device belongs to another gateway' } } }),
    });
    sync.start();
    await until(() => cloud.requests.length >= 2, 'a retry');
    await sync.stop();
    expect(outbox.stats().backlog).toBe(2);
    expect(sync.status().lastError).toContain('403');
    const error = lines.find((l) => l.level === 50);
    expect(error).toMatchObject({ status: 403, msg: 'cloud rejected the batch: nothing deleted, will retry' });
    expect(String(error!.body)).toContain('device belongs to another gateway');
  });

  it('honours Retry-After on a 429', async () => {
    const { cloud, outbox, sync } = await setup({
      readings: 1,
      respond: (batch, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'RATE', message: 'slow down' } } } : ackAll(batch)),
    });
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the retry after Retry-After');
    expect(cloud.requests[1]!.at - cloud.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('deletes only the acknowledged part when the cloud acknowledges less than it was sent', async () => {
    const { cloud, outbox, sync } = await setup({
      readings: 4,
      maxBatchReadings: 4,
      respond: (batch, index) =>
        index === 0 ? { status: 200, body: { accepted: 2, duplicates: 0, ackedFrom: 1, ackedTo: 2 } } : ackAll(batch),
    });
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the rest to be sent');
    expect(seqsOf(cloud)).toEqual([[1, 2, 3, 4], [3, 4]]);
  });

  it('reports devices at least once per interval even with nothing to send', async () => {
    const { cloud, sync } = await setup({ readings: 0, intervalMs: 100 });
    sync.start();
    await until(() => cloud.requests.length >= 3, 'three device reports');
    for (const request of cloud.requests) {
      expect(request.batch).toMatchObject({ readings: { seq: [] }, devices: [device] });
    }
  });

  it('uploads at once when notified of a full batch', async () => {
    const { cloud, outbox, sync } = await setup({ readings: 0, maxBatchReadings: 2 });
    sync.start();
    await until(() => cloud.requests.length === 1, 'the first device report');
    outbox.append([1, 2].map((i) => ({ device: 'inverter-1', metric: 'ac_power_w', ts: i, value: i, unit: 'W' })));
    sync.notify();
    await until(() => outbox.stats().backlog === 0, 'the notified upload');
    expect(seqsOf(cloud)).toEqual([[], [1, 2]]);
  });

  it('keeps inFlight uploads going without waiting for the slowest, never sends a range twice, and takes acks in any order', async () => {
    // A cloud that answers the first upload late: the others must flow past it.
    const seen: number[][] = [];
    let open = 0;
    let maxOpen = 0;
    let answeredFirst = false;
    let sentBeforeFirstAnswer = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seqs = (JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as { readings: { seq: number[] } }).readings.seq;
        const index = seen.push(seqs) - 1;
        if (!answeredFirst) sentBeforeFirstAnswer++;
        maxOpen = Math.max(maxOpen, ++open);
        setTimeout(
          () => {
            open--;
            if (index === 0) answeredFirst = true;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ accepted: seqs.length, duplicates: 0, ackedFrom: seqs[0], ackedTo: seqs[seqs.length - 1] }));
          },
          index === 0 ? 300 : 5,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const outbox: Outbox = openOutbox(path.join(dir, `${Math.random()}.db`));
    cleanups.push(() => outbox.close());
    outbox.append(Array.from({ length: 40 }, (_, i) => ({ device: 'inverter-1', metric: 'ac_power_w', ts: 1_700_000_000_000 + i, value: i, unit: 'W' })));
    const { log } = captureLog();
    const sync = createSyncLoop({
      outbox,
      client: createCloudClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't', timeoutMs: 5000 }),
      devices: () => [device],
      intervalMs: 60_000,
      maxBatchReadings: 2,
      inFlight: 3,
      maxBackoffMs: 200,
      log,
    });
    cleanups.push(() => sync.stop());
    sync.start();
    await until(() => outbox.stats().backlog === 0, 'the backlog to drain');
    // Every reading went exactly once. (Concurrent uploads may reach the
    // server in any order, so compare the set, not the arrival order.)
    expect(seen.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Each upload is one contiguous range of the outbox.
    for (const seqs of seen) expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(maxOpen).toBe(3);
    // While the first upload waited, the two other workers went on taking new ranges.
    expect(sentBeforeFirstAnswer).toBeGreaterThan(10);
    expect(sync.status()).toMatchObject({ lastError: null, consecutiveFailures: 0 });
  });
});
