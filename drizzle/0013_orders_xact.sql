-- Orders placed before this migration had their sale facts written when they were placed: 0
-- keeps them out of the stats job's reads. New orders carry the id of the transaction that
-- placed them.
ALTER TABLE "orders" ADD COLUMN "xact" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "xact" SET DEFAULT (pg_current_xact_id()::text::bigint);--> statement-breakpoint
CREATE INDEX "orders_xact_idx" ON "orders" USING btree ("xact");
