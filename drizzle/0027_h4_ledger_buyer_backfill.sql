-- The buyer organisation of the trade transactions posted before ledger_transactions had a
-- buyer_org_id (0025): the buyer's statement reads its transactions by it. A one-off repair of
-- bookkeeping refs, not money: the append-only guard is lifted for this statement only.
-- (No filter on the trade kinds: 0022 added them, and a migration run in one transaction may
-- not use enum values added earlier in it. Trade order ids are the trade orders' own uuids.)
ALTER TABLE "ledger_transactions" DISABLE TRIGGER "ledger_transactions_append_only";--> statement-breakpoint
UPDATE "ledger_transactions" t SET "buyer_org_id" = o."buyer_org_id"
	FROM "trade_orders" o
	WHERE t."order_id" = o."id" AND t."buyer_org_id" IS NULL;--> statement-breakpoint
-- a sample's money names the sample as its order (trade/samples.ts)
UPDATE "ledger_transactions" t SET "buyer_org_id" = s."buyer_org_id"
	FROM "trade_samples" s
	WHERE t."order_id" = s."id" AND t."buyer_org_id" IS NULL;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ENABLE TRIGGER "ledger_transactions_append_only";
