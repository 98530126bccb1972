// The server's typed event map: every fact one module tells the others, with its payload.
// Publishers never import their subscribers; modules subscribe in their module.ts, and the module
// list (../modules.ts) hands the subscriptions to the bus (./bus.ts). docs/ARCHITECTURE.md has
// the table of publishers and subscribers.
//
// Three kinds, by when the subscribers run:
// - PipelinedEvents: published inside the writer's transaction on a hot path that sends its last
//   statements and COMMIT in one round trip (an order batch). Subscribers return SQL statements
//   that go out behind the writer's own, before COMMIT; they cannot read first.
// - TxEvents: published inside the writer's transaction; subscribers run with that transaction
//   and write in it, so the fact and its consequences commit (or roll back) together.
// - CommittedEvents: published after the writer's commit (pushes to sockets and the like).
// Every kind may also have after-commit subscribers (see bus.ts for ordering and failures).
import type { FulfilmentStatus } from '$lib/domain/orders';
import type { Policy } from '$lib/domain/policy';
import type { TradePosting } from '$lib/domain/trade/escrow';
import type { TradeOrderState } from '$lib/domain/trade/order-state';
import type { orderLines, orgKind } from '../db/schema';

type LineRow = typeof orderLines.$inferSelect;

/** One order batch of a show (one event per batch, not per order: flash sales place thousands). */
export interface OrderPlaced {
	/** The policy the batch decided with. */
	policy: Policy;
	showId: string;
	/** The orders this batch created (repeats of known external ids are not in it). */
	orders: { id: string; paidAt: Date; teamId: string }[];
	lines: (typeof orderLines.$inferInsert)[];
}

/** A fulfilment (one supplier's parcel of an order) changed status. */
export interface FulfilmentMoved {
	fulfilmentId: string;
	orderId: string;
	showId: string;
	teamId: string;
	supplierId: string;
	kind: 'order' | 'replacement';
	from: FulfilmentStatus;
	to: FulfilmentStatus;
	at: Date;
	lines: LineRow[];
}

/** Part of a paid order line went back to the consumer (compensation for a kept flaw). */
export interface LineRefunded {
	saleLineId: string;
	amountFen: number;
	reason: 'partial' | 'defect';
	/** Makes a repeat harmless. */
	refId: string;
	at: Date;
}

/** A supplier owes the platform money (freight of a replacement shipment it caused). */
export interface SupplierCharged {
	supplierId: string;
	amountFen: number;
	reason: string;
	refId: string;
}

/**
 * A sale of a lot outside the dropship orders (the coming wholesale trade, issue 18): the catalog
 * counts it for sales-7d and repurchase ranks in the same transaction. (Dropship order lines are
 * not published one by one: the catalog's stats job pulls them in bulk, see Module.saleFacts.)
 */
export interface SaleRecorded {
	lotId: string;
	/** Who bought, for repurchase rates: an org id, or a hash, never personal data. */
	buyerKey: string;
	quantity: number;
	amountFen: number;
	channel: 'wholesale' | 'dropship';
	/** The sale's reference in its channel; a repeat is counted once. */
	orderRef: string;
	soldAt: Date;
}

/** A new organisation signed up (its first user is in the same transaction). */
export interface OrgCreated {
	orgId: string;
	kind: (typeof orgKind.enumValues)[number];
}

/** A lot's stock counters as committed (the row the writing statement returned). */
export interface StockRow {
	id: string;
	onHand: number;
	locked: number;
	allocated: number;
	stockVersion: number;
}

/** Lots' counters changed (locks, orders, fulfilment moves, supplier edits), after commit. */
export interface StockChanged {
	lots: StockRow[];
	/** The shows whose own counters (locked/sold in the show) changed with them. */
	showIds: string[];
}

/**
 * Money moved in a wholesale trade (payment into escrow, release to the supplier, refund): the
 * postings come from the pure rules (domain/trade/escrow.ts); the ledger subscribes in the
 * transaction and posts them, so the state change and its money commit together.
 */
export interface TradeMoney {
	kind:
		| 'trade_payment'
		| 'trade_release'
		| 'trade_refund'
		| 'sample_credit'
		| 'invoice'
		| 'repayment'
		| 'write_off';
	/** Unique per money event (a repeat posts nothing). */
	key: string;
	at: Date;
	orderId: string;
	buyerOrgId: string;
	supplierId: string;
	memo?: string;
	/** The transaction's reference on statements: `INV<n>` for credit terms, the bank reference
	 * of a repayment. */
	refId?: string;
	/** Balanced: Σ amountFen = 0. Escrow entries name their item (trade order line id). */
	postings: TradePosting[];
}

/** A dispute changed (after commit: the buyer's and the supplier's org rooms). */
export interface TradeDisputeChanged {
	id: string;
	orderId: string;
	state: string;
	version: number;
	buyerOrgId: string;
	supplierId: string;
	dueAt: Date | null;
	at: Date;
}

/** A trade order changed state (after commit: sockets, and later alerts / the data screen). */
export interface TradeOrderChanged {
	id: string;
	number: number;
	state: TradeOrderState;
	version: number;
	buyerOrgId: string;
	supplierId: string;
	dueAt: Date | null;
	totalFen: number;
	change: 'created' | 'changed';
	at: Date;
}

/** A buyer organisation's cart changed (after commit: the buyer's other tabs). */
export interface TradeCartChanged {
	buyerOrgId: string;
	at: Date;
}

/** A sample request changed state (after commit: both sides' org rooms). */
export interface TradeSampleChanged {
	id: string;
	number: number;
	lotId: string;
	state: string;
	buyerOrgId: string;
	supplierId: string;
	dueAt: Date | null;
	at: Date;
}

/** A message was appended to a trade conversation (in the writer's transaction; sockets after commit). */
export interface TradeMessageCreated {
	conversationId: string;
	kind: 'order' | 'sample' | 'dispute';
	subjectId: string;
	buyerOrgId: string;
	supplierId: string;
	seq: number;
	hash: string;
	party: 'buyer' | 'supplier' | 'operator' | 'system';
	senderUserId: string | null;
	at: Date;
}

export interface PipelinedEvents {
	'order.placed': OrderPlaced;
}

export interface TxEvents {
	'fulfilment.moved': FulfilmentMoved;
	'line.refunded': LineRefunded;
	'supplier.charged': SupplierCharged;
	'sale.recorded': SaleRecorded;
	'org.created': OrgCreated;
	'trade.money': TradeMoney;
	'trade.message.created': TradeMessageCreated;
}

/** A buyer's credit account changed (issue 21): the buyer org's room refetches it. */
export interface TradeCreditChanged {
	buyerOrgId: string;
	change: 'decision' | 'invoice' | 'repayment' | 'write_off';
	at: Date;
}

/** A reminder of an invoice on terms (before its due date, or overdue). */
export interface TradeInvoiceReminder {
	buyerOrgId: string;
	invoiceId: string;
	number: number;
	kind: 'before' | 'overdue';
	dueAt: Date;
	outstandingFen: number;
	at: Date;
}

export interface CommittedEvents {
	'stock.changed': StockChanged;
	'trade.order.changed': TradeOrderChanged;
	'trade.cart.changed': TradeCartChanged;
	'trade.sample.changed': TradeSampleChanged;
	'trade.credit.changed': TradeCreditChanged;
	'trade.invoice.reminder': TradeInvoiceReminder;
	'trade.dispute.changed': TradeDisputeChanged;
}

export type ServerEvents = PipelinedEvents & TxEvents & CommittedEvents;
export type ServerEventName = keyof ServerEvents;

/** Every event name, by kind (the bus checks subscriptions against these at install time). */
export const EVENT_KINDS = {
	'order.placed': 'pipelined',
	'fulfilment.moved': 'tx',
	'line.refunded': 'tx',
	'supplier.charged': 'tx',
	'sale.recorded': 'tx',
	'org.created': 'tx',
	'stock.changed': 'committed',
	'trade.money': 'tx',
	'trade.order.changed': 'committed',
	'trade.cart.changed': 'committed',
	'trade.sample.changed': 'committed',
	'trade.message.created': 'tx',
	'trade.credit.changed': 'committed',
	'trade.invoice.reminder': 'committed',
	'trade.dispute.changed': 'committed'
} as const satisfies Record<ServerEventName, 'pipelined' | 'tx' | 'committed'>;
