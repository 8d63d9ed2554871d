import { openDatabase, runExclusive, runMigrations, schema, withTenant, type Database } from '@solarhub/cloud';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../scripts/src/testing/postgres.js';
import { BACKENDS, startCloud, type Cloud } from './harness.js';
import { newOrganization } from './tenants.js';

const rowsOf = async <T>(q: Promise<unknown>) => ((await q) as { rows: T[] }).rows;

/** The second line: even a query without any WHERE on the tenant sees and changes only the tenant's rows. */
describe.each(BACKENDS)('row-level security on %s', (backend) => {
  let cloud: Cloud;
  const orgs: { id: string; siteId: string; gatewayId: string }[] = [];

  beforeAll(async () => {
    cloud = await startCloud(backend);
    for (const name of ['rls-a', 'rls-b']) {
      const { organizationId } = await newOrganization(cloud, name);
      const [site] = await cloud.database.db.insert(schema.sites).values({ organizationId, name: 'Roof' }).returning();
      const [gateway] = await cloud.database.db
        .insert(schema.gateways)
        .values({ organizationId, siteId: site!.id, name: 'gw', tokenHash: `${name}-hash`, tokenPrefix: 'shg_x' })
        .returning();
      orgs.push({ id: organizationId, siteId: site!.id, gatewayId: gateway!.id });
    }
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('runs tenant transactions as the non-owner role and shows only the tenant', async () => {
    const [a, b] = orgs;
    await withTenant(cloud.database.db, a!.id, async (tx) => {
      const [who] = await rowsOf<{ user: string }>(tx.execute(sql`SELECT current_user AS user`));
      expect(who!.user).toBe('solarhub_app');
      expect((await tx.select().from(schema.sites)).map((s) => s.id)).toEqual([a!.siteId]);
      expect((await tx.select().from(schema.organizations)).map((o) => o.id)).toEqual([a!.id]);
      expect((await tx.select().from(schema.gateways)).map((g) => g.id)).toEqual([a!.gatewayId]);
      expect((await tx.select().from(schema.organizationMembers)).every((m) => m.organizationId === a!.id)).toBe(true);
      const users = await tx.select().from(schema.users);
      expect(users).toHaveLength(1);
      // Changing another tenant's row matches nothing.
      const updated = await tx.update(schema.sites).set({ name: 'taken' }).where(sql`id = ${b!.siteId}::uuid`).returning();
      expect(updated).toEqual([]);
    });
    // The owner (outside withTenant) sees both: the policies bind the app role only.
    expect(await cloud.database.db.select().from(schema.sites)).toHaveLength(2);
  });

  it.each([
    ['a site in another organization', (t: string, o: string) => sql`INSERT INTO sites (organization_id, name) VALUES (${o}::uuid, 'x')`],
    ['a device on another organization’s site (organization from the trigger)', (_t: string, _o: string, site: string, gw: string) =>
      sql`INSERT INTO devices (site_id, gateway_id, key) VALUES (${site}::uuid, ${gw}::uuid, 'evil')`],
    ['a read of the sessions', () => sql`SELECT * FROM sessions`],
  ])('refuses %s', async (_name, statement) => {
    const [a, b] = orgs;
    // drizzle wraps the server's error: its message is in `cause`.
    const err = await withTenant(cloud.database.db, a!.id, (tx) => tx.execute(statement(a!.id, b!.id, b!.siteId, b!.gatewayId))).then(
      () => null,
      (e: Error) => e,
    );
    expect((err?.cause as Error | undefined)?.message).toMatch(/row-level security|permission denied|null value in column "organization_id"/);
  });

  it('shows nothing when no tenant is set', async () => {
    const rows = await cloud.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('role', 'solarhub_app', true)`);
      return tx.select().from(schema.sites);
    });
    expect(rows).toEqual([]);
  });
});

describe.each(BACKENDS.filter((b) => b === 'postgres'))('replicas on one %s', () => {
  const log = pino({ level: 'silent' });
  const opened: Database[] = [];
  const open = async (url: string) => {
    const database = await openDatabase({ url, log });
    opened.push(database);
    return database;
  };
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.close()));
  });

  it('migrates a fresh database from two instances at once', async ({ skip }) => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) return skip('needs a PostgreSQL server');
    const url = await createDatabase(adminUrl, 'twins');
    const [one, two] = [await open(url), await open(url)];
    await Promise.all([runMigrations(one, log), runMigrations(two, log)]);
    const [row] = await rowsOf<{ n: number }>(one.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`));
    expect(row!.n).toBeGreaterThanOrEqual(4);
  });

  it('runs a scheduled job on one replica at a time', async ({ skip }) => {
    const adminUrl = inject('postgresAdminUrl');
    if (!adminUrl) return skip('needs a PostgreSQL server');
    const url = await createDatabase(adminUrl, 'jobs');
    const [one, two] = [await open(url), await open(url)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = runExclusive(one, 'nightly', async () => {
      entered();
      await held;
      return 'first';
    });
    await inside;
    expect(await runExclusive(two, 'nightly', async () => 'second')).toEqual({ ran: false });
    expect(await runExclusive(two, 'other-job', async () => 'other')).toEqual({ ran: true, result: 'other' });
    release();
    expect(await first).toEqual({ ran: true, result: 'first' });
    expect(await runExclusive(two, 'nightly', async () => 'second')).toEqual({ ran: true, result: 'second' });
  });
});
