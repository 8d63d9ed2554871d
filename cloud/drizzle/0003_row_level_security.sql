-- Custom migration (drizzle-kit cannot express roles, policies or triggers).
--
-- 1. The role the application's queries run as. The cloud connects as the
--    database owner (migrations need it) and, per transaction, does
--    `SET LOCAL ROLE solarhub_app` plus
--    `set_config('app.organization_id', <tenant>, true)` (storage/tenancy.ts).
--    Row-level security does not apply to a table's owner, so this role is what
--    makes the policies below bite. Roles are cluster-wide: several databases
--    on one cluster share it (hence IF NOT EXISTS and the race handlers).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'solarhub_app') THEN
    CREATE ROLE solarhub_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created meanwhile by a migration of another database
END $$;--> statement-breakpoint
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'solarhub_app', 'MEMBER') THEN
    EXECUTE 'GRANT solarhub_app TO ' || quote_ident(current_user);
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'could not make % a member of solarhub_app (%): SET ROLE will fail until a superuser grants it', current_user, SQLERRM;
END $$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO solarhub_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO solarhub_app;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO solarhub_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO solarhub_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO solarhub_app;--> statement-breakpoint
-- Credentials and counters are only ever touched by the system path (the owner).
REVOKE ALL ON "sessions", "password_reset_tokens", "rate_limits" FROM solarhub_app;--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE ON "users" FROM solarhub_app;--> statement-breakpoint

-- 2. The tenant of the current transaction; NULL when none is set (then every policy hides everything).
CREATE OR REPLACE FUNCTION solarhub_current_organization() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.organization_id', true), '')::uuid $$;--> statement-breakpoint

-- 3. One call per tenant table; later tables (alerts, dashboards, designs, leads) call it too.
CREATE OR REPLACE FUNCTION solarhub_enable_tenant_rls(tbl regclass, key_column text DEFAULT 'organization_id') RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s TO solarhub_app USING (%I = solarhub_current_organization()) WITH CHECK (%I = solarhub_current_organization())',
    tbl, key_column, key_column);
END $$;--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('organizations', 'id');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('organization_members');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('sites');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('gateways');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('devices');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('meters');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('energy_sources');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('api_tokens');--> statement-breakpoint
SELECT solarhub_enable_tenant_rls('claim_codes');--> statement-breakpoint
-- Users are not tenant rows: the app role sees the members of the current tenant only.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY users_of_tenant ON "users" FOR SELECT TO solarhub_app
  USING (id IN (SELECT user_id FROM organization_members));--> statement-breakpoint

-- 4. Children take their site's organization when an insert leaves it out
--    (the ingest path creates devices knowing only the gateway's site). Under
--    RLS the site lookup sees the current tenant's sites only, so a child can
--    never be attached to another tenant's site; the (site_id, organization_id)
--    foreign keys hold it for the owner too.
CREATE OR REPLACE FUNCTION solarhub_organization_from_site() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.organization_id IS NULL THEN
    SELECT s.organization_id INTO NEW.organization_id FROM sites s WHERE s.id = NEW.site_id;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER organization_from_site BEFORE INSERT ON "gateways" FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_site();--> statement-breakpoint
CREATE TRIGGER organization_from_site BEFORE INSERT ON "devices" FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_site();--> statement-breakpoint
CREATE TRIGGER organization_from_site BEFORE INSERT ON "meters" FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_site();--> statement-breakpoint
CREATE TRIGGER organization_from_site BEFORE INSERT ON "energy_sources" FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_site();--> statement-breakpoint
CREATE TRIGGER organization_from_site BEFORE INSERT ON "claim_codes" FOR EACH ROW EXECUTE FUNCTION solarhub_organization_from_site();--> statement-breakpoint

-- 5. updated_at follows every UPDATE, raw SQL included.
CREATE OR REPLACE FUNCTION solarhub_touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'users', 'organization_members', 'sites', 'gateways', 'devices', 'meters', 'energy_sources', 'api_tokens']
  LOOP
    EXECUTE format('CREATE TRIGGER touch_updated_at BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION solarhub_touch_updated_at()', t);
  END LOOP;
END $$;
