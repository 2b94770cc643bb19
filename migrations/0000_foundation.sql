CREATE TABLE "institution_customers" (
	"institution_id" text NOT NULL,
	"borrower_id" uuid NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "institution_customers_institution_id_borrower_id_pk" PRIMARY KEY("institution_id","borrower_id")
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "institutions_kind_check" CHECK (kind in ('BANK', 'INSURER', 'GOVERNMENT')),
	CONSTRAINT "institutions_id_check" CHECK ("institutions"."id" ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);
--> statement-breakpoint
CREATE TABLE "borrowers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"national_id_hash" text NOT NULL,
	"national_id_masked" text NOT NULL,
	"county" text NOT NULL,
	"sector" text NOT NULL,
	"registered_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "borrowers_national_id_hash_unique" UNIQUE("national_id_hash"),
	CONSTRAINT "borrowers_category_check" CHECK (category in ('STARTUP_MICRO_ENTERPRISE', 'RURAL_HOUSEHOLD', 'INDIVIDUAL_ENTREPRENEUR'))
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"borrower_id" uuid NOT NULL,
	"institution_id" text NOT NULL,
	"purpose" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "consents_purpose_check" CHECK (purpose in ('LOAN_APPLICATION', 'UNDERWRITING', 'POST_LOAN_MANAGEMENT')),
	CONSTRAINT "consents_window_check" CHECK ("consents"."expires_at" > "consents"."granted_at")
);
--> statement-breakpoint
CREATE TABLE "credit_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" text NOT NULL,
	"borrower_id" uuid NOT NULL,
	"account_ref" text NOT NULL,
	"kind" text NOT NULL,
	"original_amount" numeric(18, 2) NOT NULL,
	"balance" numeric(18, 2) NOT NULL,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"status" text NOT NULL,
	"status_month" date NOT NULL,
	"payment_history" text NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "credit_accounts_kind_check" CHECK (kind in ('LOAN', 'GUARANTEE', 'INSURANCE_POLICY')),
	CONSTRAINT "credit_accounts_status_check" CHECK (status in ('CURRENT', 'DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS', 'PAID', 'CHARGED_OFF', 'CLAIM_PAID_BY_INSURER', 'IN_COLLECTION')),
	CONSTRAINT "credit_accounts_amounts_check" CHECK ("credit_accounts"."original_amount" >= 0 and "credit_accounts"."balance" >= 0),
	CONSTRAINT "credit_accounts_history_check" CHECK (length("credit_accounts"."payment_history") between 1 and 24)
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"borrower_id" uuid NOT NULL,
	"institution_id" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"outcome" text,
	"resolution_note" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	CONSTRAINT "disputes_status_check" CHECK ("disputes"."status" in ('OPEN', 'RESOLVED')),
	CONSTRAINT "disputes_outcome_check" CHECK (outcome is null or outcome in ('CORRECTED', 'VERIFIED', 'DELETED'))
);
--> statement-breakpoint
CREATE TABLE "inquiries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"borrower_id" uuid NOT NULL,
	"institution_id" text NOT NULL,
	"user_id" text NOT NULL,
	"purpose" text NOT NULL,
	"consent_id" uuid NOT NULL,
	"inquired_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"request_id" text,
	"actor_user_id" text,
	"actor_role" text,
	"actor_institution_id" text,
	"actor_borrower_id" uuid,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"borrower_id" uuid,
	"detail" jsonb
);
--> statement-breakpoint
ALTER TABLE "institution_customers" ADD CONSTRAINT "institution_customers_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institution_customers" ADD CONSTRAINT "institution_customers_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_account_id_credit_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."credit_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inquiries" ADD CONSTRAINT "inquiries_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inquiries" ADD CONSTRAINT "inquiries_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inquiries" ADD CONSTRAINT "inquiries_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "institution_customers_borrower_idx" ON "institution_customers" USING btree ("borrower_id");--> statement-breakpoint
CREATE INDEX "consents_lookup_idx" ON "consents" USING btree ("borrower_id","institution_id","purpose");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_accounts_institution_ref_key" ON "credit_accounts" USING btree ("institution_id","account_ref");--> statement-breakpoint
CREATE INDEX "credit_accounts_borrower_idx" ON "credit_accounts" USING btree ("borrower_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_one_open_per_account" ON "disputes" USING btree ("account_id") WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX "disputes_institution_idx" ON "disputes" USING btree ("institution_id","status");--> statement-breakpoint
CREATE INDEX "disputes_borrower_idx" ON "disputes" USING btree ("borrower_id");--> statement-breakpoint
CREATE INDEX "inquiries_borrower_time_idx" ON "inquiries" USING btree ("borrower_id","inquired_at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_borrower_idx" ON "audit_log" USING btree ("borrower_id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_inst_idx" ON "audit_log" USING btree ("actor_institution_id");