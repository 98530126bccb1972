import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	check,
	index,
	integer,
	pgEnum,
	pgTable,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { orgs } from './orgs';
import { users } from './auth';

// The escrow / commission / settlement ledger (docs/LEDGER.md). Money is integer fen in bigint
// columns read as JS numbers (safe up to 2^53 fen). Transactions and entries are append-only:
// triggers in the custom migration refuse UPDATE and DELETE and check that every transaction's
// entries sum to zero. Nothing here references orders: the ledger keeps its own record of each
// sale line (`ledger_sales`), written by the calls the orders service makes in its transaction.

export const ledgerAccountKind = pgEnum('ledger_account_kind', [
	'cash',
	'escrow',
	'supplier_payable',
	'host_payable',
	'platform_revenue',
	// wholesale trade on credit terms (issue 21, docs/TRADE.md): owed by a buyer org; written off
	'buyer_receivable',
	'credit_loss'
]);

export const ledgerTxnKind = pgEnum('ledger_txn_kind', [
	'payment',
	'refund',
	'settlement',
	'clawback',
	'supplier_charge',
	'payout',
	// wholesale trade (issues 18–21, docs/TRADE.md "Ledger postings")
	'trade_payment',
	'trade_release',
	'trade_refund',
	'sample_credit',
	'invoice',
	'repayment',
	'write_off'
]);

export const payoutStatus = pgEnum('ledger_payout_status', ['pending', 'paid', 'cancelled']);

/**
 * One account per (kind, party). Platform accounts (cash, escrow, revenue) have no org. The id
 * is derived from (kind, org) (see ledger/accounts.ts), so postings never look it up.
 */
export const ledgerAccounts = pgTable(
	'ledger_accounts',
	{
		id: uuid('id').primaryKey(),
		kind: ledgerAccountKind('kind').notNull(),
		orgId: uuid('org_id').references(() => orgs.id, { onDelete: 'restrict' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('ledger_accounts_kind_org_key').on(t.kind, t.orgId).nullsNotDistinct()]
);

/** One business event's posting. `idempotency_key` makes every event post at most once. */
export const ledgerTransactions = pgTable(
	'ledger_transactions',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		kind: ledgerTxnKind('kind').notNull(),
		idempotencyKey: text('idempotency_key').notNull().unique(),
		/** When the event happened (payment time, delivery window end…): statements sort by it. */
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		saleLineId: uuid('sale_line_id'),
		orderId: uuid('order_id'),
		showId: uuid('show_id'),
		lotId: uuid('lot_id'),
		/** The party of a payout or supplier charge. */
		orgId: uuid('org_id'),
		/**
		 * The buyer organisation of a trade transaction (issues 18–21): a buyer's statement
		 * (payments, refunds, invoices, repayments, write-offs) reads its transactions by it.
		 * Checked once per inserting statement like the other org references (custom migration).
		 */
		buyerOrgId: uuid('buyer_org_id'),
		/** The caller's reference: refund id, payout reference, charge id. */
		refId: text('ref_id'),
		/** Refund reason, charge reason, payout note. */
		memo: text('memo').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	// Lookups go by idempotency key (unique) or through the entries, and a settlement batch writes
	// thousands of rows here at a time: the secondary indexes are partial, over trade transactions
	// alone. One by supplier (the only ones with both an order and a party; see
	// ledger/trade-money.ts), for the trade escrow per supplier on the receivables pages; one by
	// buyer organisation, for the buyer's statement (ledger/buyer-statement.ts).
	(t) => [
		index('ledger_transactions_trade_idx')
			.on(t.orgId, t.at)
			.where(sql`${t.orderId} is not null and ${t.orgId} is not null`),
		index('ledger_transactions_buyer_idx')
			.on(t.buyerOrgId, t.at)
			.where(sql`${t.buyerOrgId} is not null`)
	]
);

/**
 * A debit (positive) or credit (negative) to one account. Account kind, party, time and the
 * sale's refs are copied from the account and transaction so statements and earnings read one
 * table through one index.
 */
export const ledgerEntries = pgTable(
	'ledger_entries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		// Both references are checked once per inserting statement, not by per-row foreign keys
		// (see the custom migration 0015): a flash sale's batch posts thousands of entries.
		transactionId: bigint('transaction_id', { mode: 'number' }).notNull(),
		accountId: uuid('account_id').notNull(),
		accountKind: ledgerAccountKind('account_kind').notNull(),
		orgId: uuid('org_id'),
		amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
		at: timestamp('at', { withTimezone: true }).notNull(),
		saleLineId: uuid('sale_line_id'),
		orderId: uuid('order_id'),
		showId: uuid('show_id'),
		lotId: uuid('lot_id')
	},
	(t) => [
		check('ledger_entries_nonzero', sql`${t.amountFen} <> 0`),
		index('ledger_entries_account_at_idx').on(t.accountId, t.at, t.id),
		index('ledger_entries_transaction_idx').on(t.transactionId),
		index('ledger_entries_sale_line_idx').on(t.saleLineId)
	]
);

/**
 * The ledger's own record of each paid sale line (the orders module's line id), so it does not
 * read order tables. Its state columns are bookkeeping derived from the postings, written only
 * in the same transaction as the posting that changes them: `refunded_fen` (sum of refunds),
 * `settled_at` / `settled_net_fen` (the settlement posting's net). They let the settlement job
 * find due lines with one index and claim them with a row lock; tests check them against the
 * entries.
 */
export const ledgerSales = pgTable(
	'ledger_sales',
	{
		saleLineId: uuid('sale_line_id').primaryKey(),
		orderId: uuid('order_id').notNull(),
		fulfilmentId: uuid('fulfilment_id'),
		showId: uuid('show_id'),
		lotId: uuid('lot_id').notNull(),
		// References to orgs, checked once per inserting statement (custom migration 0015).
		hostTeamId: uuid('host_team_id'),
		supplierOrgId: uuid('supplier_org_id').notNull(),
		quantity: integer('quantity').notNull(),
		grossFen: bigint('gross_fen', { mode: 'number' }).notNull(),
		/** Rate for this line (0 when no host team), and the platform fee in force when paid. */
		commissionBp: integer('commission_bp').notNull(),
		feeBp: integer('fee_bp').notNull(),
		paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
		refundedFen: bigint('refunded_fen', { mode: 'number' }).notNull().default(0),
		deliveredAt: timestamp('delivered_at', { withTimezone: true }),
		/** Delivery + return window: the line settles at or after this. */
		settleAfter: timestamp('settle_after', { withTimezone: true }),
		settledAt: timestamp('settled_at', { withTimezone: true }),
		settledNetFen: bigint('settled_net_fen', { mode: 'number' })
	},
	(t) => [
		check(
			'ledger_sales_amounts',
			sql`${t.grossFen} >= 0 and ${t.refundedFen} >= 0 and ${t.refundedFen} <= ${t.grossFen} and ${t.quantity} > 0`
		),
		index('ledger_sales_due_idx')
			.on(t.settleAfter)
			.where(sql`${t.settledAt} is null and ${t.settleAfter} is not null`),
		index('ledger_sales_host_idx').on(t.hostTeamId, t.paidAt),
		index('ledger_sales_supplier_idx').on(t.supplierOrgId, t.paidAt),
		index('ledger_sales_order_idx').on(t.orderId)
	]
);

/**
 * A payout of a payable balance: created by an operator, marked paid with the bank reference
 * (which posts payable → cash). Workflow state, not money: the money moves in the posting.
 */
export const ledgerPayouts = pgTable(
	'ledger_payouts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		orgId: uuid('org_id')
			.notNull()
			.references(() => orgs.id, { onDelete: 'restrict' }),
		accountKind: ledgerAccountKind('account_kind').notNull(),
		amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
		status: payoutStatus('status').notNull().default('pending'),
		reference: text('reference'),
		transactionId: bigint('transaction_id', { mode: 'number' }).references(
			() => ledgerTransactions.id,
			{ onDelete: 'restrict' }
		),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		paidBy: uuid('paid_by').references(() => users.id, { onDelete: 'set null' }),
		paidAt: timestamp('paid_at', { withTimezone: true })
	},
	(t) => [
		check('ledger_payouts_amount', sql`${t.amountFen} > 0`),
		index('ledger_payouts_org_idx').on(t.orgId, t.createdAt)
	]
);

export type LedgerSale = typeof ledgerSales.$inferSelect;
export type LedgerPayout = typeof ledgerPayouts.$inferSelect;
