-- The ledger's invariants, held by the database whatever the application does.

-- 1. Append-only: entries and transactions are never changed or removed (a reversal is a new transaction).
CREATE FUNCTION forbid_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions FOR EACH STATEMENT EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint

-- 2. Every transaction balances: checked at commit, after all its entries are in.
CREATE FUNCTION check_ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_ledger_transaction_balanced();
--> statement-breakpoint

-- 3. The programme's standing accounts.
INSERT INTO ledger_accounts (id, kind, name, created_at) VALUES
  ('FUND:PREMIUM_SUBSIDY', 'FUND', 'Premium-subsidy fund (保费补贴资金)', now()),
  ('FUND:RISK_COMPENSATION', 'FUND', 'Risk-compensation fund (风险补偿专项资金)', now()),
  ('BUDGET:GOVERNMENT', 'BUDGET', 'Finance bureau budget (财政预算)', now()),
  ('EXTERNAL:BORROWERS', 'EXTERNAL', 'Borrowers (premiums paid, debts recovered)', now());
