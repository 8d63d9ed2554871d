-- Custom migration (drizzle-kit cannot express partitioning): `measurements`
-- becomes a table partitioned by RANGE on ts, in weekly partitions (Monday
-- 00:00 UTC to the next Monday) that the cloud creates ahead of time
-- (cloud/src/timeseries/partitions.ts). The DEFAULT partition catches any
-- timestamp without a partition yet (a gateway clock at 1970 or a year
-- ahead), so ingest never fails for a missing partition; maintenance moves
-- such rows into their weekly partition once it creates it.
-- The series index carries `value` so downsampled queries read the index
-- only (no heap visit per reading).
ALTER TABLE "measurements" RENAME TO "measurements_unpartitioned";--> statement-breakpoint
ALTER TABLE "measurements_unpartitioned" RENAME CONSTRAINT "measurements_pkey" TO "measurements_unpartitioned_pkey";--> statement-breakpoint
ALTER INDEX "measurements_series_ts_idx" RENAME TO "measurements_unpartitioned_series_ts_idx";--> statement-breakpoint
CREATE TABLE "measurements" (
	"series_id" bigint NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	"quality" smallint DEFAULT 0 NOT NULL,
	"gateway_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "measurements_pkey" PRIMARY KEY("gateway_id","seq","ts")
) PARTITION BY RANGE ("ts");--> statement-breakpoint
CREATE INDEX "measurements_series_ts_idx" ON "measurements" USING btree ("series_id","ts") INCLUDE ("value");--> statement-breakpoint
CREATE TABLE "measurements_default" PARTITION OF "measurements" DEFAULT;--> statement-breakpoint
INSERT INTO "measurements" ("series_id", "ts", "value", "quality", "gateway_id", "seq")
	SELECT "series_id", "ts", "value", "quality", "gateway_id", "seq" FROM "measurements_unpartitioned";--> statement-breakpoint
DROP TABLE "measurements_unpartitioned";
