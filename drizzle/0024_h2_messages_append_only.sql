-- Custom SQL migration (issue 20): trade messages are the chat record that counts as evidence.
-- Append-only: a message is never edited or removed (each stores the previous one's hash, so an
-- export proves completeness; this makes the database refuse the edit in the first place).
CREATE OR REPLACE FUNCTION trade_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'trade messages are append-only (% on %)', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'restrict_violation';
END $$;--> statement-breakpoint
CREATE TRIGGER trade_messages_append_only BEFORE UPDATE OR DELETE ON trade_messages
	FOR EACH ROW EXECUTE FUNCTION trade_messages_append_only();--> statement-breakpoint
CREATE TRIGGER trade_messages_no_truncate BEFORE TRUNCATE ON trade_messages
	FOR EACH STATEMENT EXECUTE FUNCTION trade_messages_append_only();
