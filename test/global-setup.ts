import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from '../scripts/src/testing/postgres.js';

/**
 * One throwaway PostgreSQL cluster for the whole run (each test file creates
 * its own database on it). When the server binaries are missing the run says
 * so loudly and the Postgres tests fall back to PGlite; CI always has them.
 */
let cluster: ThrowawayPostgres | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string | null;
  }
}

export async function setup(project: TestProject): Promise<void> {
  const binaries = findPostgresBinaries();
  if (!binaries) {
    process.stderr.write(
      '\n*** PostgreSQL server binaries not found: tests that need Postgres run on PGlite instead (fallback). ***\n' +
        '*** Install the "postgresql" package to test against a real server, as CI does.                 ***\n\n',
    );
    project.provide('postgresAdminUrl', null);
    return;
  }
  cluster = await startThrowawayPostgres(binaries);
  process.stderr.write(`test PostgreSQL cluster on 127.0.0.1:${cluster.port} (${binaries.initdb})\n`);
  project.provide('postgresAdminUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
