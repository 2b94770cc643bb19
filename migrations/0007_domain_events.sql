CREATE TABLE "domain_events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "domain_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"request_id" text,
	"aggregate_type" text,
	"aggregate_id" text,
	"borrower_id" uuid,
	"actor_institution_id" text,
	"payload" jsonb NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "domain_events_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE INDEX "domain_events_undelivered_idx" ON "domain_events" USING btree ("seq") WHERE delivered_at is null;--> statement-breakpoint
CREATE INDEX "domain_events_borrower_idx" ON "domain_events" USING btree ("borrower_id");