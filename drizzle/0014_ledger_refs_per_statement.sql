ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_account_id_ledger_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_sales" DROP CONSTRAINT "ledger_sales_host_team_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_sales" DROP CONSTRAINT "ledger_sales_supplier_org_id_orgs_id_fk";
