CREATE SEQUENCE "public"."loan_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."policy_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "application_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"institution_id" text NOT NULL,
	"reviewer_role" text NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"eligible" boolean NOT NULL,
	"eligibility_reasons" jsonb NOT NULL,
	"price" jsonb NOT NULL,
	"score" integer NOT NULL,
	"grade" text NOT NULL,
	"factors" jsonb NOT NULL,
	"scorecard_version" text NOT NULL,
	"parameter_version" integer NOT NULL,
	"reviewed_by" text NOT NULL,
	"reviewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "application_reviews_decision_check" CHECK ("application_reviews"."decision" in ('APPROVE', 'DECLINE'))
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"borrower_id" uuid NOT NULL,
	"bank_id" text NOT NULL,
	"insurer_id" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"term_years" integer NOT NULL,
	"interest_rate" numeric(12, 6) NOT NULL,
	"repayment_method" text NOT NULL,
	"loan_purpose" text NOT NULL,
	"status" text NOT NULL,
	"submitted_by_role" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "applications_status_check" CHECK ("applications"."status" in ('SUBMITTED', 'APPROVED', 'DECLINED', 'POLICY_ISSUED', 'DISBURSED')),
	CONSTRAINT "applications_amount_check" CHECK ("applications"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"request_hash" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "loan_instalments" (
	"loan_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"due_on" date NOT NULL,
	"principal_due" numeric(18, 2) NOT NULL,
	"interest_due" numeric(18, 2) NOT NULL,
	"principal_paid" numeric(18, 2) DEFAULT '0' NOT NULL,
	"interest_paid" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "loan_instalments_loan_id_seq_pk" PRIMARY KEY("loan_id","seq"),
	CONSTRAINT "loan_instalments_paid_check" CHECK ("loan_instalments"."principal_paid" between 0 and "loan_instalments"."principal_due" and "loan_instalments"."interest_paid" between 0 and "loan_instalments"."interest_due")
);
--> statement-breakpoint
CREATE TABLE "loans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"loan_number" text DEFAULT 'LN-' || lpad(nextval('loan_number_seq')::text, 8, '0') NOT NULL,
	"application_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"bank_id" text NOT NULL,
	"insurer_id" text NOT NULL,
	"borrower_id" uuid NOT NULL,
	"principal" numeric(18, 2) NOT NULL,
	"interest_rate" numeric(12, 6) NOT NULL,
	"term_years" integer NOT NULL,
	"repayment_method" text NOT NULL,
	"disbursed_on" date NOT NULL,
	"maturity_on" date NOT NULL,
	"outstanding_principal" numeric(18, 2) NOT NULL,
	"days_past_due" integer DEFAULT 0 NOT NULL,
	"delinquency" text DEFAULT 'CURRENT' NOT NULL,
	"status" text NOT NULL,
	"parameter_version" integer NOT NULL,
	"defaulted_on" date,
	"closed_on" date,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loans_loan_number_unique" UNIQUE("loan_number"),
	CONSTRAINT "loans_application_id_unique" UNIQUE("application_id"),
	CONSTRAINT "loans_policy_id_unique" UNIQUE("policy_id"),
	CONSTRAINT "loans_status_check" CHECK ("loans"."status" in ('ACTIVE', 'REPAID', 'DEFAULTED', 'CLAIMED', 'CLOSED')),
	CONSTRAINT "loans_outstanding_check" CHECK ("loans"."outstanding_principal" >= 0 and "loans"."outstanding_principal" <= "loans"."principal")
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_number" text DEFAULT 'PL-' || lpad(nextval('policy_number_seq')::text, 8, '0') NOT NULL,
	"application_id" uuid NOT NULL,
	"insurer_id" text NOT NULL,
	"bank_id" text NOT NULL,
	"borrower_id" uuid NOT NULL,
	"insured_amount" numeric(18, 2) NOT NULL,
	"term_years" integer NOT NULL,
	"premium_rate" numeric(12, 6) NOT NULL,
	"premium_amount" numeric(18, 2) NOT NULL,
	"borrower_premium" numeric(18, 2) NOT NULL,
	"subsidy_amount" numeric(18, 2) NOT NULL,
	"grade" text NOT NULL,
	"parameter_version" integer NOT NULL,
	"status" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"pledged_at" timestamp with time zone,
	"starts_on" date,
	"ends_on" date,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "policies_policy_number_unique" UNIQUE("policy_number"),
	CONSTRAINT "policies_application_id_unique" UNIQUE("application_id"),
	CONSTRAINT "policies_status_check" CHECK ("policies"."status" in ('ISSUED', 'PLEDGED', 'ACTIVE', 'CLOSED', 'CLAIMED')),
	CONSTRAINT "policies_premium_split_check" CHECK ("policies"."borrower_premium" + "policies"."subsidy_amount" = "policies"."premium_amount")
);
--> statement-breakpoint
CREATE TABLE "programme_parameters" (
	"version" integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "programme_parameters_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"effective_from" timestamp with time zone NOT NULL,
	"document" jsonb NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repayments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"loan_id" uuid NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"paid_on" date NOT NULL,
	"allocation" jsonb NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "repayments_amount_check" CHECK ("repayments"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "credit_accounts" DROP CONSTRAINT "credit_accounts_kind_check";--> statement-breakpoint
ALTER TABLE "application_reviews" ADD CONSTRAINT "application_reviews_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_reviews" ADD CONSTRAINT "application_reviews_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_reviews" ADD CONSTRAINT "application_reviews_parameter_version_programme_parameters_version_fk" FOREIGN KEY ("parameter_version") REFERENCES "public"."programme_parameters"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_bank_id_institutions_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_insurer_id_institutions_id_fk" FOREIGN KEY ("insurer_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_instalments" ADD CONSTRAINT "loan_instalments_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_bank_id_institutions_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_insurer_id_institutions_id_fk" FOREIGN KEY ("insurer_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_parameter_version_programme_parameters_version_fk" FOREIGN KEY ("parameter_version") REFERENCES "public"."programme_parameters"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_insurer_id_institutions_id_fk" FOREIGN KEY ("insurer_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_bank_id_institutions_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_parameter_version_programme_parameters_version_fk" FOREIGN KEY ("parameter_version") REFERENCES "public"."programme_parameters"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "application_reviews_one_per_role" ON "application_reviews" USING btree ("application_id","reviewer_role");--> statement-breakpoint
CREATE INDEX "applications_borrower_idx" ON "applications" USING btree ("borrower_id");--> statement-breakpoint
CREATE INDEX "applications_bank_idx" ON "applications" USING btree ("bank_id","status");--> statement-breakpoint
CREATE INDEX "applications_insurer_idx" ON "applications" USING btree ("insurer_id","status");--> statement-breakpoint
CREATE INDEX "loans_borrower_idx" ON "loans" USING btree ("borrower_id");--> statement-breakpoint
CREATE INDEX "loans_bank_idx" ON "loans" USING btree ("bank_id","status");--> statement-breakpoint
CREATE INDEX "policies_insurer_idx" ON "policies" USING btree ("insurer_id","status");--> statement-breakpoint
CREATE INDEX "repayments_loan_idx" ON "repayments" USING btree ("loan_id");--> statement-breakpoint
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_kind_check" CHECK (kind in ('LOAN', 'GUARANTEE', 'INSURANCE_POLICY', 'COURT_LISTING'));