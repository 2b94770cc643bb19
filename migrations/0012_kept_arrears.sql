ALTER TABLE "ledger_accounts" ADD COLUMN "owed" numeric(18, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_groups" ADD COLUMN "revision" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "ledger_transactions_kind_idx" ON "ledger_transactions" USING btree ("kind","business_date");--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_owed_check" CHECK ("ledger_accounts"."owed" >= 0 and ("ledger_accounts"."kind" = 'FUND' or "ledger_accounts"."owed" = 0));--> statement-breakpoint

-- What the funds owe, kept: every statement that changes policies' subsidy_amount − subsidy_paid
-- or claims' compensation_shortfall moves the fund's `owed` by the difference, in its own
-- transaction (statement-level triggers over the transition tables: one update per statement,
-- however many rows it wrote; a bulk load with session_replication_role = replica too, hence
-- ENABLE ALWAYS). The fund's row is the one every writer already locks first: the premium-subsidy
-- fund sorts first in the ledger's lock order and every subsidy change posts to it; the
-- risk-compensation fund is locked (lockFund) before a shortfall changes.
CREATE FUNCTION keep_subsidy_owed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE delta numeric := 0;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    delta := delta + (SELECT coalesce(sum(subsidy_amount - subsidy_paid), 0) FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    delta := delta - (SELECT coalesce(sum(subsidy_amount - subsidy_paid), 0) FROM old_rows);
  END IF;
  IF delta <> 0 THEN
    UPDATE ledger_accounts SET owed = owed + delta WHERE id = 'FUND:PREMIUM_SUBSIDY';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION keep_compensation_owed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE delta numeric := 0;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    delta := delta + (SELECT coalesce(sum(compensation_shortfall), 0) FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    delta := delta - (SELECT coalesce(sum(compensation_shortfall), 0) FROM old_rows);
  END IF;
  IF delta <> 0 THEN
    UPDATE ledger_accounts SET owed = owed + delta WHERE id = 'FUND:RISK_COMPENSATION';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER policies_owed_insert AFTER INSERT ON policies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_subsidy_owed();
--> statement-breakpoint
CREATE TRIGGER policies_owed_update AFTER UPDATE ON policies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_subsidy_owed();
--> statement-breakpoint
CREATE TRIGGER policies_owed_delete AFTER DELETE ON policies REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_subsidy_owed();
--> statement-breakpoint
CREATE TRIGGER claims_owed_insert AFTER INSERT ON claims REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_compensation_owed();
--> statement-breakpoint
CREATE TRIGGER claims_owed_update AFTER UPDATE ON claims REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_compensation_owed();
--> statement-breakpoint
CREATE TRIGGER claims_owed_delete AFTER DELETE ON claims REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION keep_compensation_owed();
--> statement-breakpoint
ALTER TABLE policies ENABLE ALWAYS TRIGGER policies_owed_insert;
--> statement-breakpoint
ALTER TABLE policies ENABLE ALWAYS TRIGGER policies_owed_update;
--> statement-breakpoint
ALTER TABLE policies ENABLE ALWAYS TRIGGER policies_owed_delete;
--> statement-breakpoint
ALTER TABLE claims ENABLE ALWAYS TRIGGER claims_owed_insert;
--> statement-breakpoint
ALTER TABLE claims ENABLE ALWAYS TRIGGER claims_owed_update;
--> statement-breakpoint
ALTER TABLE claims ENABLE ALWAYS TRIGGER claims_owed_delete;
--> statement-breakpoint

-- A truncate would bypass the kept figures: refused (nothing in the programme truncates these).
CREATE FUNCTION forbid_owed_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated: the funds keep what it owes', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER policies_no_truncate BEFORE TRUNCATE ON policies FOR EACH STATEMENT EXECUTE FUNCTION forbid_owed_truncate();
--> statement-breakpoint
CREATE TRIGGER claims_no_truncate BEFORE TRUNCATE ON claims FOR EACH STATEMENT EXECUTE FUNCTION forbid_owed_truncate();
--> statement-breakpoint

-- Backfill from the current data (the triggers above already hold both tables' write locks).
UPDATE ledger_accounts SET owed = (SELECT coalesce(sum(subsidy_amount - subsidy_paid), 0) FROM policies) WHERE id = 'FUND:PREMIUM_SUBSIDY';
--> statement-breakpoint
UPDATE ledger_accounts SET owed = (SELECT coalesce(sum(compensation_shortfall), 0) FROM claims) WHERE id = 'FUND:RISK_COMPENSATION';
--> statement-breakpoint
-- the aggregates' version starts above 0 wherever groups exist
UPDATE metric_groups SET revision = 1 WHERE scope = 'ALL' AND key = '';
