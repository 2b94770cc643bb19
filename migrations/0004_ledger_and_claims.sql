CREATE TABLE "ledger_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"institution_id" text,
	"name" text NOT NULL,
	"balance" numeric(18, 2) DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_accounts_kind_check" CHECK ("ledger_accounts"."kind" in ('FUND', 'BUDGET', 'EXTERNAL', 'INSTITUTION', 'RESERVE')),
	CONSTRAINT "ledger_accounts_no_overdraft" CHECK ("ledger_accounts"."kind" not in ('FUND', 'RESERVE') or "ledger_accounts"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transaction_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	CONSTRAINT "ledger_entries_nonzero" CHECK ("ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"business_date" date NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"loan_id" uuid,
	"policy_id" uuid,
	"claim_id" uuid,
	"borrower_id" uuid,
	"reverses" uuid,
	"memo" text NOT NULL,
	"created_by" text NOT NULL,
	"request_id" text,
	CONSTRAINT "ledger_transactions_kind_check" CHECK ("ledger_transactions"."kind" in ('FUND_DEPOSIT', 'BORROWER_PREMIUM', 'PREMIUM_SUBSIDY', 'RISK_RESERVE', 'CLAIM_PAYMENT', 'RISK_COMPENSATION', 'RECOVERY', 'REVERSAL'))
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"loan_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"bank_id" text NOT NULL,
	"insurer_id" text NOT NULL,
	"borrower_id" uuid NOT NULL,
	"status" text NOT NULL,
	"outstanding_principal" numeric(18, 2) NOT NULL,
	"insurer_share" numeric(12, 6) NOT NULL,
	"insurer_amount" numeric(18, 2) NOT NULL,
	"bank_amount" numeric(18, 2) NOT NULL,
	"parameter_version" integer NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"filed_by" text NOT NULL,
	"paid_at" timestamp with time zone,
	"paid_by" text,
	"compensation_owed" numeric(18, 2),
	"compensation_paid" numeric(18, 2) DEFAULT '0' NOT NULL,
	"compensation_shortfall" numeric(18, 2) DEFAULT '0' NOT NULL,
	"compensation_approved_at" timestamp with time zone,
	"compensation_approved_by" text,
	"recovered_bank" numeric(18, 2) DEFAULT '0' NOT NULL,
	"recovered_insurer" numeric(18, 2) DEFAULT '0' NOT NULL,
	"recovered_fund" numeric(18, 2) DEFAULT '0' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "claims_loan_id_unique" UNIQUE("loan_id"),
	CONSTRAINT "claims_status_check" CHECK ("claims"."status" in ('FILED', 'PAID', 'COMPENSATED')),
	CONSTRAINT "claims_split_check" CHECK ("claims"."insurer_amount" + "claims"."bank_amount" = "claims"."outstanding_principal"),
	CONSTRAINT "claims_compensation_check" CHECK ("claims"."compensation_owed" is null or ("claims"."compensation_paid" + "claims"."compensation_shortfall" = "claims"."compensation_owed" and "claims"."compensation_paid" >= 0 and "claims"."compensation_shortfall" >= 0)),
	CONSTRAINT "claims_recovery_check" CHECK ("claims"."recovered_bank" <= "claims"."bank_amount" and "claims"."recovered_fund" <= "claims"."compensation_paid" and "claims"."recovered_insurer" <= "claims"."insurer_amount" - "claims"."compensation_paid")
);
--> statement-breakpoint
CREATE TABLE "court_confirmations" (
	"loan_id" uuid PRIMARY KEY NOT NULL,
	"court_case_ref" text NOT NULL,
	"decided_on" date NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recoveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"loan_id" uuid NOT NULL,
	"recorded_by_institution" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"recovered_on" date NOT NULL,
	"to_bank" numeric(18, 2) NOT NULL,
	"to_insurer" numeric(18, 2) NOT NULL,
	"to_fund" numeric(18, 2) NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "recoveries_split_check" CHECK ("recoveries"."to_bank" + "recoveries"."to_insurer" + "recoveries"."to_fund" = "recoveries"."amount" and "recoveries"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "subsidy_paid" numeric(18, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_ledger_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_bank_id_institutions_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_insurer_id_institutions_id_fk" FOREIGN KEY ("insurer_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_borrower_id_borrowers_id_fk" FOREIGN KEY ("borrower_id") REFERENCES "public"."borrowers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_parameter_version_programme_parameters_version_fk" FOREIGN KEY ("parameter_version") REFERENCES "public"."programme_parameters"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "court_confirmations" ADD CONSTRAINT "court_confirmations_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_recorded_by_institution_institutions_id_fk" FOREIGN KEY ("recorded_by_institution") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_at_idx" ON "ledger_transactions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "ledger_transactions_claim_idx" ON "ledger_transactions" USING btree ("claim_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transactions_reversed_once" ON "ledger_transactions" USING btree ("reverses");--> statement-breakpoint
CREATE INDEX "claims_insurer_idx" ON "claims" USING btree ("insurer_id","status");--> statement-breakpoint
CREATE INDEX "claims_bank_idx" ON "claims" USING btree ("bank_id","status");--> statement-breakpoint
CREATE INDEX "recoveries_claim_idx" ON "recoveries" USING btree ("claim_id");--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_subsidy_paid_check" CHECK ("policies"."subsidy_paid" between 0 and "policies"."subsidy_amount");