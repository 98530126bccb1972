-- Custom SQL migration: the balance check reads only the statement's new entries.
-- 0009 summed every entry of each touched transaction from ledger_entries; with no statistics on
-- the transition table the planner hash-joined over the whole ledger, once per posting statement
-- (an order batch's payments scanned every entry ever written). Reading the new rows alone is the
-- same guarantee: every statement leaves each transaction it touches balanced, so a transaction's
-- earlier entries sum to zero and the new ones must too; and since no entry is zero, a set that
-- sums to zero has at least two entries.
CREATE OR REPLACE FUNCTION ledger_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad bigint;
BEGIN
	SELECT n.transaction_id INTO bad
	FROM new_entries n
	GROUP BY n.transaction_id
	HAVING sum(n.amount_fen) <> 0
	LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'ledger transaction % is not balanced', bad USING ERRCODE = 'check_violation';
	END IF;
	RETURN NULL;
END $$;
