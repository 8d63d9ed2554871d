CREATE TABLE "measurements_hourly" (
	"series_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"sum" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"first_value" double precision NOT NULL,
	"last_ts" timestamp with time zone NOT NULL,
	"last_value" double precision NOT NULL,
	"increase" double precision NOT NULL,
	CONSTRAINT "measurements_hourly_pkey" PRIMARY KEY("series_id","hour")
);
--> statement-breakpoint
CREATE TABLE "measurements_hourly_dirty" (
	"series_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"marks" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "measurements_hourly_dirty_pkey" PRIMARY KEY("series_id","hour")
);
--> statement-breakpoint
CREATE TABLE "measurements_hourly_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"watermark" timestamp with time zone,
	"marked_before" timestamp with time zone,
	CONSTRAINT "measurements_hourly_state_single_row" CHECK ("measurements_hourly_state"."id" = 1)
);
--> statement-breakpoint
-- Completed by hand (cloud/src/timeseries/hourly-refresh.ts explains the scheme).
-- 1. Late readings: one statement-level trigger (a transition table, one
--    DISTINCT over the inserted rows per INSERT, nothing per row) marks the
--    (series, UTC hour) pairs of readings older than `marked_before`; the
--    roll-up job folds them in. Live readings (newer than the watermark) mark
--    nothing. SECURITY DEFINER: the app role writes measurements under
--    row-level security but has no privilege on the roll-up's tables.
INSERT INTO "measurements_hourly_state" ("id") VALUES (1);--> statement-breakpoint
CREATE OR REPLACE FUNCTION solarhub_mark_late_measurements() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  cutoff timestamptz;
BEGIN
  SELECT marked_before INTO cutoff FROM measurements_hourly_state WHERE id = 1;
  IF cutoff IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO measurements_hourly_dirty (series_id, hour)
    SELECT DISTINCT series_id, date_bin(interval '1 hour', ts, timestamptz '2000-01-01 00:00:00+00')
    FROM inserted WHERE ts < cutoff
    ON CONFLICT (series_id, hour) DO UPDATE SET marks = measurements_hourly_dirty.marks + 1;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER mark_late_measurements AFTER INSERT ON "measurements"
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION solarhub_mark_late_measurements();--> statement-breakpoint
-- 2. Row-level security: an hour of a series is the tenant's iff the series
--    is (the series policy of 0006 confines the subquery). The app role
--    reads the aggregate and the watermark; only the job (the owner) writes.
ALTER TABLE "measurements_hourly" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "measurements_hourly" TO solarhub_app
  USING (EXISTS (SELECT 1 FROM series s WHERE s.id = series_id));--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE ON "measurements_hourly", "measurements_hourly_state" FROM solarhub_app;--> statement-breakpoint
REVOKE ALL ON "measurements_hourly_dirty" FROM solarhub_app;
