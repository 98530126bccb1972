CREATE TYPE "public"."ledger_account_kind" AS ENUM('cash', 'escrow', 'supplier_payable', 'host_payable', 'platform_revenue');--> statement-breakpoint
CREATE TYPE "public"."ledger_txn_kind" AS ENUM('payment', 'refund', 'settlement', 'clawback', 'supplier_charge', 'payout');--> statement-breakpoint
CREATE TYPE "public"."ledger_payout_status" AS ENUM('pending', 'paid', 'cancelled');--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "ledger_account_kind" NOT NULL,
	"org_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_kind_org_key" UNIQUE NULLS NOT DISTINCT("kind","org_id")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_id" bigint NOT NULL,
	"account_id" uuid NOT NULL,
	"account_kind" "ledger_account_kind" NOT NULL,
	"org_id" uuid,
	"amount_fen" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"sale_line_id" uuid,
	"order_id" uuid,
	"show_id" uuid,
	"lot_id" uuid,
	CONSTRAINT "ledger_entries_nonzero" CHECK ("ledger_entries"."amount_fen" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_payouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"account_kind" "ledger_account_kind" NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" "ledger_payout_status" DEFAULT 'pending' NOT NULL,
	"reference" text,
	"transaction_id" bigint,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_by" uuid,
	"paid_at" timestamp with time zone,
	CONSTRAINT "ledger_payouts_amount" CHECK ("ledger_payouts"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_sales" (
	"sale_line_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"fulfilment_id" uuid,
	"show_id" uuid,
	"lot_id" uuid NOT NULL,
	"host_team_id" uuid,
	"supplier_org_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"gross_fen" bigint NOT NULL,
	"commission_bp" integer NOT NULL,
	"fee_bp" integer NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"refunded_fen" bigint DEFAULT 0 NOT NULL,
	"delivered_at" timestamp with time zone,
	"settle_after" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"settled_net_fen" bigint,
	CONSTRAINT "ledger_sales_amounts" CHECK ("ledger_sales"."gross_fen" >= 0 and "ledger_sales"."refunded_fen" >= 0 and "ledger_sales"."refunded_fen" <= "ledger_sales"."gross_fen" and "ledger_sales"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" "ledger_txn_kind" NOT NULL,
	"idempotency_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"sale_line_id" uuid,
	"order_id" uuid,
	"show_id" uuid,
	"lot_id" uuid,
	"org_id" uuid,
	"ref_id" text,
	"memo" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transactions_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_ledger_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_payouts" ADD CONSTRAINT "ledger_payouts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_payouts" ADD CONSTRAINT "ledger_payouts_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_payouts" ADD CONSTRAINT "ledger_payouts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_payouts" ADD CONSTRAINT "ledger_payouts_paid_by_users_id_fk" FOREIGN KEY ("paid_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_sales" ADD CONSTRAINT "ledger_sales_host_team_id_orgs_id_fk" FOREIGN KEY ("host_team_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_sales" ADD CONSTRAINT "ledger_sales_supplier_org_id_orgs_id_fk" FOREIGN KEY ("supplier_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_account_at_idx" ON "ledger_entries" USING btree ("account_id","at","id");--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction_idx" ON "ledger_entries" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_sale_line_idx" ON "ledger_entries" USING btree ("sale_line_id");--> statement-breakpoint
CREATE INDEX "ledger_payouts_org_idx" ON "ledger_payouts" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "ledger_sales_due_idx" ON "ledger_sales" USING btree ("settle_after") WHERE "ledger_sales"."settled_at" is null and "ledger_sales"."settle_after" is not null;--> statement-breakpoint
CREATE INDEX "ledger_sales_host_idx" ON "ledger_sales" USING btree ("host_team_id","paid_at");--> statement-breakpoint
CREATE INDEX "ledger_sales_supplier_idx" ON "ledger_sales" USING btree ("supplier_org_id","paid_at");--> statement-breakpoint
CREATE INDEX "ledger_sales_order_idx" ON "ledger_sales" USING btree ("order_id");