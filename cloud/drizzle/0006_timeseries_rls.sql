-- Row-level security for the time-series tables (generated for the new
-- column of `series`, then completed by hand: backfill, trigger, policies).
-- Policies bind the role solarhub_app (migration 0003); the owner, i.e. the
-- migrations, the ingest until it runs under withTenant, and the scheduled
-- jobs (partitions, retention), is not subject to them.
--
-- 1. series.organization_id: its device's, backfilled, then kept by trigger.
--    Filled before NOT NULL so that a database with series migrates.
ALTER TABLE "series" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
UPDATE "series" s SET "organization_id" = d."organization_id" FROM "devices" d WHERE d."id" = s."device_id";--> statement-breakpoint
ALTER TABLE "series" ALTER COLUMN "organization_id" SET DEFAULT solarhub_current_organization();--> statement-breakpoint
ALTER TABLE "series" ALTER COLUMN "organization_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "series" ADD CONSTRAINT "series_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "series_organization_idx" ON "series" USING btree ("organization_id");--> statement-breakpoint
-- Always the device's, whatever the insert says (the default above only
-- makes the column optional to writers): the owner's ingest inserts series
-- without it, and under row-level security the lookup sees the tenant's
-- devices only, so a series of another tenant's device gets NULL and fails.
CREATE OR REPLACE FUNCTION solarhub_organization_from_device() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  SELECT d.organization_id INTO NEW.organization_id FROM devices d WHERE d.id = NEW.device_id;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER organization_from_device BEFORE INSERT OR UPDATE OF device_id, organization_id ON "series"
  FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_device();--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('series');--> statement-breakpoint

-- 2. measurements: a reading is the tenant's iff its series is (the series
--    policy confines the subqueries). Reads test EXISTS (one primary-key
--    probe per row, or a hash when the planner expects many rows). Inserts
--    test IN: planned as ONE hashed scan of the tenant's series per
--    statement, where EXISTS in a WITH CHECK is a probe per row (measured,
--    200k rows on PostgreSQL 15: ~0.6 s of probes against ~2.5 ms).
--    Policies on the parent apply to every statement through the parent,
--    rows routed into partitions included.
ALTER TABLE "measurements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "measurements" TO solarhub_app
  USING (EXISTS (SELECT 1 FROM series s WHERE s.id = series_id))
  WITH CHECK (series_id IN (SELECT s.id FROM series s));--> statement-breakpoint
-- A partition named directly would bypass them: the app role gets no
-- privilege on the partitions (statements through the parent need none).
-- Partitions created later get the default grants of migration 0003: their
-- creator (timeseries/partitions.ts) must revoke them the same way.
DO $$
DECLARE p regclass;
BEGIN
  FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'measurements'::regclass
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM solarhub_app', p);
  END LOOP;
END $$;--> statement-breakpoint

-- 3. Per-gateway bookkeeping: the tenant's iff its gateway is (the gateways
--    policy confines the subquery). No column of their own: few rows per
--    statement, one primary-key probe each, and the ingest writes them
--    knowing only the gateway.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ingest_ranges', 'gateway_sync_status', 'gateway_gaps']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO solarhub_app USING (EXISTS (SELECT 1 FROM gateways g WHERE g.id = gateway_id)) WITH CHECK (EXISTS (SELECT 1 FROM gateways g WHERE g.id = gateway_id))',
      t);
  END LOOP;
END $$;
