import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enforceRetention, listPartitions, maintainPartitions, startTimeseriesJobs } from '@solarhub/cloud';
import { weekPartition } from '../../cloud/src/timeseries/weeks.js';
import { BACKENDS, batch, count, ingest, provision, readings, startCloud, type Cloud } from './harness.js';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const NOW = Date.now();

async function rowsIn(cloud: Cloud, table: string): Promise<number> {
  const result = (await cloud.database.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`)) as unknown as {
    rows: { n: number }[];
  };
  return Number(result.rows[0]!.n);
}

async function setRetention(cloud: Cloud, organizationId: string, days: number | null): Promise<void> {
  await cloud.database.db.execute(sql`UPDATE organizations SET measurement_retention_days = ${days} WHERE id = ${organizationId}::uuid`);
}

/** Readings of seq from..to, one a minute from `start`. */
const at = (from: number, to: number, start: number) => readings(from, to).map((r, i) => ({ ...r, ts: start + i * 60_000 }));

describe.each(BACKENDS)('partitioned measurements on %s', (backend) => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud(backend);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('rolls partitions over, enforces retention, and a replay of old batches adds nothing', async () => {
    const ahead = await maintainPartitions(cloud.database.db, { now: NOW, aheadWeeks: 2, log });
    expect(ahead.created).toContain(weekPartition(NOW).name);
    expect(ahead.created).toHaveLength(4);

    const a = await provision(cloud);
    const b = await provision(cloud);
    await setRetention(cloud, a.organizationId, 30);
    await setRetention(cloud, b.organizationId, 7);
    const oldA = batch(at(1, 100, NOW - 60 * DAY)); // past every retention
    const midA = batch(at(101, 150, NOW - 15 * DAY)); // within a's 30 days
    const newA = batch(at(151, 200, NOW - 3_600_000));
    const midB = batch(at(1, 40, NOW - 15 * DAY)); // past b's 7 days
    const newB = batch(at(41, 60, NOW - 3_600_000));
    const future = batch(at(201, 210, NOW + 400 * DAY)); // a clock a year ahead
    for (const [token, body] of [[a.gatewayToken, oldA], [a.gatewayToken, midA], [a.gatewayToken, newA], [b.gatewayToken, midB], [b.gatewayToken, newB], [a.gatewayToken, future]] as const) {
      const sent = await ingest(cloud, token, body);
      expect(sent.status).toBe(200);
      expect(sent.body.duplicates).toBe(0);
    }
    // No partition for 60 and 15 days ago, nor a year ahead: the default partition took them, ingest did not fail.
    expect(await rowsIn(cloud, 'measurements_default')).toBe(100 + 50 + 40 + 10);

    // Maintenance adopts the past weeks waiting in the default partition; the far future waits there.
    const adopted = await maintainPartitions(cloud.database.db, { now: NOW, aheadWeeks: 2, log });
    expect(adopted.created).toContain(weekPartition(NOW - 60 * DAY).name);
    expect(adopted.movedRows).toBe(100 + 50 + 40);
    expect(await rowsIn(cloud, 'measurements_default')).toBe(10);
    expect(await count(cloud, 'measurements')).toBe(270);

    const replayAll = async () => {
      for (const [token, body] of [[a.gatewayToken, oldA], [a.gatewayToken, midA], [a.gatewayToken, newA], [b.gatewayToken, midB], [b.gatewayToken, newB], [a.gatewayToken, future]] as const) {
        const sent = await ingest(cloud, token, body);
        expect(sent.status).toBe(200);
        expect(sent.body.accepted).toBe(0);
      }
    };
    await replayAll();
    expect(await count(cloud, 'measurements')).toBe(270);

    // a keeps 30 days (the longest): its 60-day-old partition goes whole; b keeps 7: its 15-day-old rows are deleted.
    const retention = await enforceRetention(cloud.database.db, { now: NOW, batchSize: 15, log });
    expect(retention.droppedPartitions).toContain(weekPartition(NOW - 60 * DAY).name);
    expect(retention.deletedRows).toBe(40);
    expect(await count(cloud, 'measurements', a.gatewayId)).toBe(50 + 50 + 10);
    expect(await count(cloud, 'measurements', b.gatewayId)).toBe(20);

    // The old batches come again (a gateway restored from a backup): nothing is added, nothing re-created.
    await replayAll();
    expect(await count(cloud, 'measurements')).toBe(130);
    expect(await rowsIn(cloud, 'measurements_default')).toBe(10);

    // Idempotent: a second run finds nothing to do.
    expect((await maintainPartitions(cloud.database.db, { now: NOW, aheadWeeks: 2, log })).created).toEqual([]);
    expect(await enforceRetention(cloud.database.db, { now: NOW, log })).toMatchObject({ droppedPartitions: [], deletedRows: 0, more: false });
  });

  it('the scheduled job keeps partitions ahead; two replicas running it at once do not collide', async () => {
    const replicas = [startTimeseriesJobs({ database: cloud.database, log, aheadWeeks: 4 }), startTimeseriesJobs({ database: cloud.database, log, aheadWeeks: 4 })];
    await Promise.all(replicas.map((r) => r.runOnce()));
    await Promise.all(replicas.map((r) => r.stop()));
    const names = (await listPartitions(cloud.database.db)).map((p) => p.name);
    expect(names).toContain(weekPartition(NOW + 28 * DAY).name);
    expect(names).toContain(weekPartition(NOW - 7 * DAY).name);
  });
});
