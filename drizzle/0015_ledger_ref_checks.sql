-- Custom SQL migration: the ledger's references, checked once per statement.
-- 0014 dropped the per-row foreign keys of ledger_entries (transaction, account) and of
-- ledger_sales (host team, supplier). A foreign key runs one lookup per inserted row: an order
-- batch's payments (three entries and two sale lines per order) spent a fifth of the database's
-- time on them, for a handful of distinct parents. The triggers below give the same guarantees
-- with one set-based check per statement; each distinct parent is probed once through its
-- primary key (lateral + limit: never a join over the whole table, whatever the planner guesses
-- of a transition table's size).
--
-- 1. Accounts are append-only like transactions and entries, so an entry's account, once
--    checked, cannot go away or change (transactions already cannot).
CREATE TRIGGER ledger_accounts_append_only BEFORE UPDATE OR DELETE ON ledger_accounts
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
-- 2. Every new entry names an existing transaction, and an existing account whose kind and party
--    are the ones copied onto the entry.
CREATE OR REPLACE FUNCTION ledger_entries_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad text;
BEGIN
	SELECT d.id::text INTO bad
	FROM (SELECT DISTINCT transaction_id AS id FROM new_entries) d
	LEFT JOIN LATERAL (SELECT 1 AS ok FROM ledger_transactions t WHERE t.id = d.id LIMIT 1) t ON true
	WHERE t.ok IS NULL
	LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'ledger entry names transaction %, which does not exist', bad
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT d.account_id::text INTO bad
	FROM (SELECT DISTINCT account_id, account_kind, org_id FROM new_entries) d
	LEFT JOIN LATERAL (SELECT a.kind, a.org_id FROM ledger_accounts a
		WHERE a.id = d.account_id LIMIT 1) a ON true
	WHERE a.kind IS NULL OR a.kind <> d.account_kind OR a.org_id IS DISTINCT FROM d.org_id
	LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'ledger entry names account %, which does not exist or has another kind or party', bad
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER ledger_entries_references AFTER INSERT ON ledger_entries
	REFERENCING NEW TABLE AS new_entries
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_references();--> statement-breakpoint
-- 3. Every new sale line names existing orgs, which it locks as a foreign key would (KEY SHARE:
--    a concurrent delete of the org waits for this transaction, then sees the line), once per org.
CREATE OR REPLACE FUNCTION ledger_sales_orgs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad text;
BEGIN
	SELECT d.id::text INTO bad
	FROM (SELECT host_team_id AS id FROM new_sales WHERE host_team_id IS NOT NULL
		UNION SELECT supplier_org_id FROM new_sales) d
	LEFT JOIN LATERAL (SELECT o.id FROM orgs o WHERE o.id = d.id FOR KEY SHARE) o ON true
	WHERE o.id IS NULL
	LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'ledger sale line names org %, which does not exist', bad
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER ledger_sales_orgs AFTER INSERT ON ledger_sales
	REFERENCING NEW TABLE AS new_sales
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_sales_orgs();--> statement-breakpoint
CREATE TRIGGER ledger_sales_orgs_unchanged BEFORE UPDATE OF host_team_id, supplier_org_id
	ON ledger_sales FOR EACH ROW
	WHEN (OLD.host_team_id IS DISTINCT FROM NEW.host_team_id
		OR OLD.supplier_org_id IS DISTINCT FROM NEW.supplier_org_id)
	EXECUTE FUNCTION ledger_append_only();--> statement-breakpoint
-- 4. An org that sale lines name cannot be deleted, nor its id changed (the foreign keys'
--    ON DELETE RESTRICT). The row lock the delete takes first makes it wait for a transaction
--    that has just locked the org for its lines.
CREATE OR REPLACE FUNCTION orgs_ledger_sales_restrict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
		RETURN NEW;
	END IF;
	IF EXISTS (SELECT 1 FROM ledger_sales s WHERE s.host_team_id = OLD.id)
		OR EXISTS (SELECT 1 FROM ledger_sales s WHERE s.supplier_org_id = OLD.id) THEN
		RAISE EXCEPTION 'org % is named by ledger sale lines', OLD.id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;--> statement-breakpoint
CREATE TRIGGER orgs_ledger_sales_restrict BEFORE DELETE OR UPDATE OF id ON orgs
	FOR EACH ROW EXECUTE FUNCTION orgs_ledger_sales_restrict();
