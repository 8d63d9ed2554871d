-- Custom migration: acknowledged ranges of one gateway may not overlap, enforced
-- by PostgreSQL itself (an exclusion constraint), so that a gateway's batches
-- can be stored side by side instead of one at a time under a per-gateway
-- lock. A batch inserts the ranges it stores ("claims") before its readings:
-- a concurrent batch claiming an overlapping range waits for it, then fails
-- with exclusion_violation if it committed, and is retried (it then finds
-- those readings stored: duplicates). Adjacent ranges are merged later by
-- maintenance (cloud/src/ingest/range-compaction.ts).
-- btree_gist gives gist the uuid equality; it is a trusted extension
-- (PostgreSQL 13+): the database owner may create it. PGlite loads it too.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "ingest_ranges" ADD CONSTRAINT "ingest_ranges_no_overlap"
  EXCLUDE USING gist ("gateway_id" WITH =, int8range("first_seq", "last_seq", '[]') WITH &&);
