CREATE TABLE "gateway_gaps" (
	"gateway_id" uuid NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"from_ts" timestamp with time zone,
	"to_ts" timestamp with time zone,
	"count" bigint NOT NULL,
	"reason" text NOT NULL,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_gaps_pkey" PRIMARY KEY("gateway_id","from_seq"),
	CONSTRAINT "gateway_gaps_order_check" CHECK ("gateway_gaps"."from_seq" <= "gateway_gaps"."to_seq")
);
--> statement-breakpoint
CREATE TABLE "gateway_sync_status" (
	"gateway_id" uuid PRIMARY KEY NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"backlog" bigint NOT NULL,
	"oldest_unsynced_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"dropped_total" bigint NOT NULL,
	"clock_synced" boolean NOT NULL,
	"clock_offset_ms" integer,
	"boot_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gateway_gaps" ADD CONSTRAINT "gateway_gaps_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_sync_status" ADD CONSTRAINT "gateway_sync_status_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gateway_gaps_reported_idx" ON "gateway_gaps" USING btree ("gateway_id","reported_at");