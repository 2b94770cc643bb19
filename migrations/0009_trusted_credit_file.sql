CREATE TABLE "correction_marks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"month" date NOT NULL,
	"from_status" text,
	"to_status" text,
	"source" text NOT NULL,
	"dispute_id" uuid,
	"institution_id" text,
	"reason" text NOT NULL,
	"corrected_by" text NOT NULL,
	"corrected_at" timestamp with time zone NOT NULL,
	CONSTRAINT "correction_marks_source_check" CHECK (source in ('DISPUTE', 'FURNISHER')),
	CONSTRAINT "correction_marks_dispute_check" CHECK (("correction_marks"."source" = 'DISPUTE') = ("correction_marks"."dispute_id" is not null)),
	CONSTRAINT "correction_marks_status_check" CHECK ((from_status is null or from_status in ('CURRENT', 'DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS', 'PAID', 'CHARGED_OFF', 'CLAIM_PAID_BY_INSURER', 'IN_COLLECTION')) and (to_status is null or to_status in ('CURRENT', 'DPD_30', 'DPD_60', 'DPD_90', 'DPD_120', 'DPD_150', 'DPD_180_PLUS', 'PAID', 'CHARGED_OFF', 'CLAIM_PAID_BY_INSURER', 'IN_COLLECTION')))
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"borrower_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"account_id" uuid,
	"institution_id" text,
	"status" text,
	"balance" numeric(18, 2),
	"message" text NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notices_kind_check" CHECK (kind in ('ADVERSE_INFORMATION', 'DISPUTE_RESOLVED', 'HUMAN_REVIEW_RESOLVED'))
);
--> statement-breakpoint
CREATE TABLE "personal_statements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"borrower_id" uuid NOT NULL,
	"account_id" uuid,
	"public_record_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "personal_statements_length_check" CHECK (char_length("personal_statements"."body") between 1 and 500),
	CONSTRAINT "personal_statements_target_check" CHECK ("personal_statements"."account_id" is null or "personal_statements"."public_record_id" is null)
);
--> statement-breakpoint
CREATE TABLE "public_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"national_id_hash" text NOT NULL,
	"subject_name" text NOT NULL,
	"authority_id" text NOT NULL,
	"kind" text NOT NULL,
	"case_number" text NOT NULL,
	"title" text NOT NULL,
	"amount" numeric(18, 2),
	"grade" text,
	"decided_on" date NOT NULL,
	"effective_on" date NOT NULL,
	"ended_on" date,
	"status" text NOT NULL,
	"furnished_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "public_records_kind_check" CHECK (kind in ('COURT_JUDGMENT', 'COURT_ENFORCEMENT', 'DISHONEST_DEBTOR', 'TAX_ARREARS', 'TAX_CREDIT_GRADE', 'ADMINISTRATIVE_PENALTY', 'BUSINESS_REGISTRATION_STATUS')),
	CONSTRAINT "public_records_status_check" CHECK (status in ('ACTIVE', 'EXECUTED', 'REVOKED')),
	CONSTRAINT "public_records_ended_check" CHECK (("public_records"."status" = 'ACTIVE') = ("public_records"."ended_on" is null)),
	CONSTRAINT "public_records_amount_check" CHECK ("public_records"."amount" is null or "public_records"."amount" >= 0),
	CONSTRAINT "public_records_grade_check" CHECK (("public_records"."kind" = 'TAX_CREDIT_GRADE') = ("public_records"."grade" is not null) and ("public_records"."grade" is null or "public_records"."grade" in ('A', 'B', 'M', 'C', 'D')))
);
--> statement-breakpoint
CREATE TABLE "human_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"borrower_id" uuid NOT NULL,
	"institution_id" text NOT NULL,
	"review_id" uuid NOT NULL,
	"statement" text NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"justification" text,
	"overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "human_reviews_status_check" CHECK ("human_reviews"."status" in ('OPEN', 'UPHELD', 'OVERTURNED')),
	CONSTRAINT "human_reviews_statement_check" CHECK (char_length("human_reviews"."statement") between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "institutions" DROP CONSTRAINT "institutions_kind_check";--> statement-breakpoint
ALTER TABLE "consents" DROP CONSTRAINT "consents_purpose_check";--> statement-breakpoint
ALTER TABLE "disputes" DROP CONSTRAINT "disputes_outcome_check";--> statement-breakpoint
DROP INDEX "application_reviews_one_per_role";--> statement-breakpoint
ALTER TABLE "disputes" ALTER COLUMN "account_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ALTER COLUMN "institution_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inquiries" ALTER COLUMN "institution_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inquiries" ALTER COLUMN "consent_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "institutions" ADD COLUMN "authority" text;--> statement-breakpoint
ALTER TABLE "institutions" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "scope" jsonb;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD COLUMN "source" text DEFAULT 'FURNISHED' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD COLUMN "furnishing_consent_id" uuid;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD COLUMN "held" jsonb;--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD COLUMN "held_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "subject" text DEFAULT 'RECORD' NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "inquiry_id" uuid;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "public_record_id" uuid;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "correction" jsonb;--> statement-breakpoint
ALTER TABLE "inquiries" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_reviews" ADD COLUMN "overrides" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "application_reviews" ADD COLUMN "human_review_id" uuid;--> statement-breakpoint
ALTER TABLE "application_reviews" ADD COLUMN "superseded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "bank_written_off_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "insurer_written_off_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "correction_marks" ADD CONSTRAINT "correction_marks_account_id_credit_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."credit_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "correction_marks" ADD CONSTRAINT "correction_marks_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."disputes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "correction_marks" ADD CONSTRAINT "correction_marks_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_account_id_credit_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."credit_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_statements" ADD CONSTRAINT "personal_statements_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_statements" ADD CONSTRAINT "personal_statements_account_id_credit_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."credit_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_statements" ADD CONSTRAINT "personal_statements_public_record_id_public_records_id_fk" FOREIGN KEY ("public_record_id") REFERENCES "public"."public_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_records" ADD CONSTRAINT "public_records_authority_id_institutions_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_reviews" ADD CONSTRAINT "human_reviews_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_reviews" ADD CONSTRAINT "human_reviews_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_reviews" ADD CONSTRAINT "human_reviews_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_reviews" ADD CONSTRAINT "human_reviews_review_id_application_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."application_reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "correction_marks_account_idx" ON "correction_marks" USING btree ("account_id","month");--> statement-breakpoint
CREATE INDEX "notices_borrower_idx" ON "notices" USING btree ("borrower_id","notified_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_one_adverse_per_account" ON "notices" USING btree ("account_id") WHERE kind = 'ADVERSE_INFORMATION';--> statement-breakpoint
CREATE INDEX "personal_statements_borrower_idx" ON "personal_statements" USING btree ("borrower_id");--> statement-breakpoint
CREATE UNIQUE INDEX "public_records_case_key" ON "public_records" USING btree ("authority_id","kind","case_number");--> statement-breakpoint
CREATE INDEX "public_records_subject_idx" ON "public_records" USING btree ("national_id_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "human_reviews_one_per_review" ON "human_reviews" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "human_reviews_institution_idx" ON "human_reviews" USING btree ("institution_id","status");--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_inquiry_id_inquiries_id_fk" FOREIGN KEY ("inquiry_id") REFERENCES "public"."inquiries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_public_record_id_public_records_id_fk" FOREIGN KEY ("public_record_id") REFERENCES "public"."public_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_one_open_per_inquiry" ON "disputes" USING btree ("inquiry_id") WHERE status = 'OPEN';--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_one_open_per_public_record" ON "disputes" USING btree ("public_record_id") WHERE status = 'OPEN';--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_one_open_identity" ON "disputes" USING btree ("borrower_id") WHERE status = 'OPEN' and subject = 'IDENTITY';--> statement-breakpoint
CREATE UNIQUE INDEX "application_reviews_one_per_role" ON "application_reviews" USING btree ("application_id","reviewer_role") WHERE superseded_at is null;--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_authority_check" CHECK ((kind = 'DATA_SOURCE') = (authority is not null) and (authority is null or authority in ('COURT', 'TAX_BUREAU', 'MARKET_REGULATOR')));--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_kind_check" CHECK (kind in ('BANK', 'INSURER', 'GOVERNMENT', 'DATA_SOURCE'));--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_scope_check" CHECK (("consents"."purpose" = 'FURNISHING') = ("consents"."scope" is not null));--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_purpose_check" CHECK (purpose in ('LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY', 'POST_LOAN_MANAGEMENT', 'POST_INSURANCE_MANAGEMENT', 'FURNISHING'));--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_source_check" CHECK (source in ('PROGRAMME', 'FURNISHED'));--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_held_check" CHECK (("credit_accounts"."held" is null) = ("credit_accounts"."held_until" is null));--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_subject_check" CHECK (subject in ('RECORD', 'INQUIRY', 'IDENTITY', 'PUBLIC_RECORD'));--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_subject_target_check" CHECK (("disputes"."subject" = 'RECORD') = ("disputes"."account_id" is not null) and ("disputes"."subject" = 'INQUIRY') = ("disputes"."inquiry_id" is not null)
        and ("disputes"."subject" = 'PUBLIC_RECORD') = ("disputes"."public_record_id" is not null) and ("disputes"."subject" = 'IDENTITY') = ("disputes"."institution_id" is null));--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_outcome_check" CHECK (outcome is null or outcome in ('CORRECTED', 'VERIFIED', 'DELETED', 'UNVERIFIABLE'));--> statement-breakpoint
ALTER TABLE "inquiries" ADD CONSTRAINT "inquiries_purpose_check" CHECK (purpose in ('LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY', 'POST_LOAN_MANAGEMENT', 'POST_INSURANCE_MANAGEMENT', 'SELF_ACCESS'));--> statement-breakpoint
ALTER TABLE "inquiries" ADD CONSTRAINT "inquiries_self_check" CHECK (("inquiries"."purpose" = 'SELF_ACCESS') = ("inquiries"."institution_id" is null) and ("inquiries"."purpose" = 'SELF_ACCESS') = ("inquiries"."consent_id" is null));--> statement-breakpoint
-- the programme's own loans and policies are kept by its lifecycle, never furnished by hand
UPDATE "credit_accounts" a SET "source" = 'PROGRAMME'
  WHERE EXISTS (SELECT 1 FROM "loans" l WHERE l."bank_id" = a."institution_id" AND l."loan_number" = a."account_ref")
     OR EXISTS (SELECT 1 FROM "policies" p WHERE p."insurer_id" = a."institution_id" AND p."policy_number" = a."account_ref");--> statement-breakpoint
-- court listings furnished by banks and insurers had no court behind them: out of every profile (rows kept for the audit trail)
UPDATE "credit_accounts" SET "deleted_at" = now() WHERE "kind" = 'COURT_LISTING' AND "deleted_at" IS NULL;
