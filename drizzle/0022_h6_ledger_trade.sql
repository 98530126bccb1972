ALTER TYPE "public"."ledger_account_kind" ADD VALUE 'buyer_receivable';--> statement-breakpoint
ALTER TYPE "public"."ledger_account_kind" ADD VALUE 'credit_loss';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'trade_payment';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'trade_release';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'trade_refund';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'sample_credit';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'invoice';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'repayment';--> statement-breakpoint
ALTER TYPE "public"."ledger_txn_kind" ADD VALUE 'write_off';--> statement-breakpoint
CREATE INDEX "ledger_transactions_trade_idx" ON "ledger_transactions" USING btree ("org_id","at") WHERE "ledger_transactions"."order_id" is not null and "ledger_transactions"."org_id" is not null;