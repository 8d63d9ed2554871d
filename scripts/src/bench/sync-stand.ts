import type { AddressInfo } from 'node:net';
import { buildApp, maintainPartitions, openDatabase, provisionDemo, runMigrations, type Database } from '@solarhub/cloud';
import pg from 'pg';
import { pino } from 'pino';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.js';

/**
 * The cloud side of the sync benchmarks: a throwaway PostgreSQL cluster, the
 * cloud's migrations and this week's partitions, one provisioned gateway, and
 * the real cloud app (`buildApp`) listening on a free loopback port.
 */
export interface CloudStand {
  readonly baseUrl: string;
  readonly databaseUrl: string;
  readonly gatewayId: string;
  readonly gatewayToken: string;
  /** A plain connection for the bench's own queries (progress, the COPY baseline). */
  readonly admin: pg.Client;
  /** Sequences the cloud has acknowledged for the gateway (committed ingest ranges). */
  acknowledged(): Promise<number>;
  stop(): Promise<void>;
}

export async function startCloudStand(): Promise<CloudStand> {
  const log = pino({ level: process.env.SOLARHUB_BENCH_LOG_LEVEL ?? 'warn' });
  let cluster: ThrowawayPostgres | undefined;
  let database: Database | undefined;
  let app: ReturnType<typeof buildApp> | undefined;
  const admin = { client: undefined as pg.Client | undefined };
  const stop = async () => {
    await app?.close();
    await database?.close();
    await admin.client?.end().catch(() => {});
    await cluster?.stop();
  };
  try {
    cluster = await startThrowawayPostgres();
    const databaseUrl = await createDatabase(cluster.url, 'bench');
    database = await openDatabase({ url: databaseUrl, log });
    await runMigrations(database, log);
    await maintainPartitions(database.db, { log });
    const provisioned = await provisionDemo(database.db, { organization: 'Bench Org', site: 'Bench Site', gateway: 'bench-gw', log2N: 14 });
    app = buildApp({ database, log });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    admin.client = new pg.Client({ connectionString: databaseUrl });
    await admin.client.connect();
    const client = admin.client;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      gatewayId: provisioned.gatewayId,
      gatewayToken: provisioned.gatewayToken,
      admin: client,
      async acknowledged() {
        const { rows } = await client.query<{ n: string }>(
          'SELECT coalesce(sum(last_seq - first_seq + 1), 0) AS n FROM ingest_ranges WHERE gateway_id = $1',
          [provisioned.gatewayId],
        );
        return Number(rows[0]!.n);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
