-- Custom SQL migration: the ledger's guards that drizzle-kit cannot express (see schema/ledger.ts).
-- 1. Append-only: postings are never edited or removed; corrections are new transactions.
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'restrict_violation';
END $$;--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
-- 2. Balanced: after every statement that adds entries, each transaction it touched sums to zero
-- (set-based over the statement's new rows, so a 10,000-entry settlement batch checks once).
CREATE OR REPLACE FUNCTION ledger_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad bigint;
BEGIN
	SELECT e.transaction_id INTO bad
	FROM ledger_entries e
	WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM new_entries)
	GROUP BY e.transaction_id
	HAVING sum(e.amount_fen) <> 0 OR count(*) < 2
	LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'ledger transaction % is not balanced', bad USING ERRCODE = 'check_violation';
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
	REFERENCING NEW TABLE AS new_entries
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_balanced();--> statement-breakpoint
-- 3. No empty transaction: checked at commit (deferred), so the transaction row may be written
-- just before its entries.
CREATE OR REPLACE FUNCTION ledger_transaction_has_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT count(*) FROM ledger_entries WHERE transaction_id = NEW.id) < 2 THEN
		RAISE EXCEPTION 'ledger transaction % has fewer than two entries', NEW.id
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_transactions_have_entries AFTER INSERT ON ledger_transactions
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION ledger_transaction_has_entries();
