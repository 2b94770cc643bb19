CREATE TABLE "credit_special_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_on" date NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"months" integer,
	"new_maturity_on" date,
	"detail" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "credit_special_transactions_kind_check" CHECK ("credit_special_transactions"."kind" in ('EARLY_SETTLEMENT', 'EXTENSION')),
	CONSTRAINT "credit_special_transactions_extension_check" CHECK (("credit_special_transactions"."kind" = 'EXTENSION') = ("credit_special_transactions"."months" is not null))
);
--> statement-breakpoint
CREATE TABLE "loan_extensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"loan_id" uuid NOT NULL,
	"extra_months" integer NOT NULL,
	"interest_rate" numeric(12, 6) NOT NULL,
	"from_seq" integer NOT NULL,
	"old_maturity_on" date NOT NULL,
	"new_maturity_on" date NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"endorsement" jsonb,
	CONSTRAINT "loan_extensions_status_check" CHECK ("loan_extensions"."status" in ('PROPOSED', 'AGREED', 'DECLINED')),
	CONSTRAINT "loan_extensions_months_check" CHECK ("loan_extensions"."extra_months" between 1 and 36)
);
--> statement-breakpoint
CREATE TABLE "loan_settlements" (
	"loan_id" uuid PRIMARY KEY NOT NULL,
	"settled_on" date NOT NULL,
	"principal" numeric(18, 2) NOT NULL,
	"accrued_interest" numeric(18, 2) NOT NULL,
	"overdue_interest" numeric(18, 2) NOT NULL,
	"total" numeric(18, 2) NOT NULL,
	"interest_forgone" numeric(18, 2) NOT NULL,
	"premium_refund" numeric(18, 2) NOT NULL,
	"borrower_refund" numeric(18, 2) NOT NULL,
	"subsidy_refund" numeric(18, 2) NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_premiums" (
	"policy_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"starts_on" date NOT NULL,
	"months" integer NOT NULL,
	"insured_balance" numeric(18, 2) NOT NULL,
	"premium" numeric(18, 2) NOT NULL,
	"subsidy" numeric(18, 2) NOT NULL,
	"borrower_premium" numeric(18, 2) NOT NULL,
	"status" text NOT NULL,
	"charged_at" timestamp with time zone,
	"refund" numeric(18, 2) DEFAULT '0' NOT NULL,
	"subsidy_refund" numeric(18, 2) DEFAULT '0' NOT NULL,
	"borrower_refund" numeric(18, 2) DEFAULT '0' NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "policy_premiums_policy_id_year_pk" PRIMARY KEY("policy_id","year"),
	CONSTRAINT "policy_premiums_status_check" CHECK ("policy_premiums"."status" in ('SCHEDULED', 'CHARGED', 'CANCELLED')),
	CONSTRAINT "policy_premiums_split_check" CHECK ("policy_premiums"."subsidy" + "policy_premiums"."borrower_premium" = "policy_premiums"."premium" and "policy_premiums"."subsidy" >= 0 and "policy_premiums"."borrower_premium" >= 0),
	CONSTRAINT "policy_premiums_refund_check" CHECK ("policy_premiums"."subsidy_refund" + "policy_premiums"."borrower_refund" = "policy_premiums"."refund" and "policy_premiums"."refund" between 0 and "policy_premiums"."premium" and "policy_premiums"."subsidy_refund" between 0 and "policy_premiums"."subsidy"),
	CONSTRAINT "policy_premiums_months_check" CHECK ("policy_premiums"."months" between 1 and 12)
);
--> statement-breakpoint
ALTER TABLE "ledger_transactions" DROP CONSTRAINT "ledger_transactions_kind_check";--> statement-breakpoint
ALTER TABLE "loans" ADD COLUMN "day_count" text DEFAULT 'PBOC_30_360' NOT NULL;--> statement-breakpoint
ALTER TABLE "loans" ADD COLUMN "settled_early_on" date;--> statement-breakpoint
ALTER TABLE "loans" ADD COLUMN "original_maturity_on" date;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "premium_payment" text DEFAULT 'ANNUAL' NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "annualised_cost" numeric(12, 6);--> statement-breakpoint
ALTER TABLE "credit_special_transactions" ADD CONSTRAINT "credit_special_transactions_account_id_credit_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."credit_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_extensions" ADD CONSTRAINT "loan_extensions_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_settlements" ADD CONSTRAINT "loan_settlements_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_premiums" ADD CONSTRAINT "policy_premiums_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_special_transactions_account_idx" ON "credit_special_transactions" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loan_extensions_one_agreed" ON "loan_extensions" USING btree ("loan_id") WHERE status = 'AGREED';--> statement-breakpoint
CREATE UNIQUE INDEX "loan_extensions_one_open" ON "loan_extensions" USING btree ("loan_id") WHERE status = 'PROPOSED';--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_day_count_check" CHECK ("loans"."day_count" in ('PBOC_30_360', 'ACT_360', 'ACT_365'));--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_premium_payment_check" CHECK ("policies"."premium_payment" in ('ANNUAL', 'SINGLE'));--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_kind_check" CHECK ("ledger_transactions"."kind" in ('FUND_DEPOSIT', 'BORROWER_PREMIUM', 'PREMIUM_SUBSIDY', 'RISK_RESERVE', 'CLAIM_PAYMENT', 'RISK_COMPENSATION', 'RECOVERY', 'REVERSAL', 'PREMIUM_REFUND'));--> statement-breakpoint
-- Policies issued before premium by policy year were charged every year up front on the insured
-- amount: keep that as what was charged, one row per year, the whole amount split evenly (the
-- rounding residue in year 1).
INSERT INTO policy_premiums (policy_id, year, starts_on, months, insured_balance, premium, subsidy, borrower_premium, status, charged_at)
SELECT p.id, y.y,
       (coalesce(p.starts_on, (p.issued_at at time zone 'Asia/Shanghai')::date) + make_interval(years => y.y - 1))::date,
       12, p.insured_amount, x.premium, x.subsidy, x.premium - x.subsidy, 'CHARGED', p.issued_at
FROM policies p
CROSS JOIN LATERAL generate_series(1, p.term_years) AS y(y)
CROSS JOIN LATERAL (
  SELECT CASE WHEN y.y = 1 THEN p.premium_amount - round(p.premium_amount / p.term_years, 2) * (p.term_years - 1)
              ELSE round(p.premium_amount / p.term_years, 2) END AS premium,
         CASE WHEN y.y = 1 THEN p.subsidy_amount - round(p.subsidy_amount / p.term_years, 2) * (p.term_years - 1)
              ELSE round(p.subsidy_amount / p.term_years, 2) END AS subsidy
) x;
--> statement-breakpoint
UPDATE policies SET premium_payment = 'SINGLE';
--> statement-breakpoint
-- Version 1's reference cost of a guarantee-company loan (the savings metric only; no decision
-- used it) was 15% with no stated source. It becomes the sourced 11.1469% (docs/money.md, "The
-- savings figure"), built from the benchmark in force since 2015-10-24. Every other figure of
-- version 1 is unchanged.
UPDATE programme_parameters
SET document = document || jsonb_build_object(
  'referenceGuaranteeCost', '0.111469',
  'referenceGuaranteeCostSource', 'A guarantee-company loan to a start-up without collateral, at the benchmark in force since 2015-10-24 (1 year 4.35%, the latest in this version''s history): the bank rate at the benchmark raised 30% (the ceiling this programme also allows) = 5.655%; the guarantee fee at the top of the 1999 guideline''s range (国家经贸委《关于建立中小企业信用担保体系试点的指导意见》: 基准担保费率可按银行同期贷款利率的50%执行, floating up to 50% above it for risk) = 75% of the benchmark = 3.2625%; and a 保证金 deposit of 20% of the loan held without interest (guarantee companies commonly required 10-20%), so the borrower pays on the whole loan and uses 80% of it: (5.655% + 3.2625%) / 0.8 = 11.146875% a year, 11.1469% rounded. The same build on the 2012-07-06 benchmark (6.00%) gives 15.375%. Each component is at the upper end of its range; with the base fee and a 10% deposit it would be 8.70%. Update it with a new version when the benchmark changes.'
)
WHERE version = 1;
