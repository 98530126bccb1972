// Typed socket.io events shared by browser and server. Names are noun-verb with a version
// suffix so a payload change ships as a new event next to the old one.

export interface HelloV1 {
	userId: string | null;
	orgId: string;
	role: string | null;
	serverTime: string;
}

/** A lot's stock counters after a change. available = onHand − locked − allocated. */
export interface StockChangedV1 {
	lotId: string;
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	/** Monotonic per lot (the lot row's version) so clients drop stale, out-of-order updates. */
	version: number;
	at: string;
}

/** A lot's counters as one show sees them: its own locks and sales next to the lot's totals. */
export interface ShowStockChangedV1 extends StockChangedV1 {
	showId: string;
	/** Units held by this show's active locks. */
	lockedInShow: number;
	/** Units this show's orders took from its locks or free stock. */
	soldInShow: number;
}

/** A show's state changed (went live, ended, current slot moved). */
export interface ShowChangedV1 {
	showId: string;
	status: 'scheduled' | 'live' | 'ended' | 'cancelled';
	currentSlotId: string | null;
	at: string;
}

/**
 * A fulfilment was created or changed status. Carries only ids and status: clients fetch the
 * fulfilment through the API, which checks who may see the consumer's address.
 */
export interface FulfilmentChangedV1 {
	fulfilmentId: string;
	orderId: string;
	showId: string;
	supplierId: string;
	teamId: string;
	number: number;
	status: string;
	change: 'created' | 'changed';
	at: string;
}

/**
 * Fulfilments created or changed by one commit (an order batch can create hundreds), sent once
 * per room: each supplier's org room gets its own items; the host team's org room and the show's
 * room get all of them. One message per room and commit keeps a flash sale from costing a
 * cross-node broadcast per parcel.
 */
export interface FulfilmentsChangedV1 {
	items: FulfilmentChangedV1[];
}

/**
 * A wholesale trade order changed (created, paid, accepted, shipped, arrived, inspected,
 * released, cancelled…). Sent to the buyer's and the supplier's org rooms. Carries the state and
 * its timer; clients fetch the whole order (`GET /api/v1/trade/orders/:id`) when they need more.
 * Clients keep the highest `version` per order and drop older events.
 */
export interface TradeOrderChangedV1 {
	id: string;
	number: number;
	state: string;
	version: number;
	buyerOrgId: string;
	supplierId: string;
	/** The running timer's deadline (ISO), null when none runs. */
	dueAt: string | null;
	timer: string | null;
	totalFen: number;
	change: 'created' | 'changed';
	at: string;
}

/** The buyer organisation's cart changed (another tab or colleague): refetch it. */
export interface TradeCartChangedV1 {
	buyerOrgId: string;
	updatedAt: string;
}

/** A sample request changed state (issue 19): the buyer's and the supplier's org rooms. */
export interface TradeSampleChangedV1 {
	id: string;
	number: number;
	lotId: string;
	state: string;
	buyerOrgId: string;
	supplierId: string;
	dueAt: string | null;
	at: string;
}

/**
 * A dispute on a trade order changed (issue 20): its state and the running deadline, live. Sent
 * to the buyer's and the supplier's org rooms and to the operators' room (the arbitration queue).
 */
export interface TradeDisputeChangedV1 {
	id: string;
	orderId: string;
	state: string;
	version: number;
	/** The running state's deadline (ISO; the ruling deadline when escalated), null when closed. */
	dueAt: string | null;
	at: string;
}

/**
 * A message was appended to a trade conversation (order, sample request or dispute). Sent to the
 * conversation's room (`conv:<id>`) and to the buyer's and the supplier's org rooms (their nav's
 * unread badge refetches `GET /api/v1/trade/conversations/unread`). Carries no text: watchers
 * fetch the messages after their last seq through the API, which checks who may read them.
 */
export interface TradeMessageCreatedV1 {
	conversationId: string;
	kind: 'order' | 'sample' | 'dispute';
	subjectId: string;
	seq: number;
	hash: string;
	party: 'buyer' | 'supplier' | 'operator' | 'system';
	senderUserId: string | null;
	at: string;
}

/** What ConversationWatchV1 acks: the conversation's id, its head and the caller's read mark. */
export interface ConversationWatchedV1 {
	conversationId: string;
	lastSeq: number;
	headHash: string;
	readSeq: number;
}

/** The buyer organisation's credit account changed (decision, limit, invoice, repayment). */
export interface TradeCreditChangedV1 {
	buyerOrgId: string;
	change: 'decision' | 'invoice' | 'repayment' | 'write_off';
	at: string;
}

/** An invoice on terms is due soon (`before`) or overdue: shown in-app to the buyer org. */
export interface TradeInvoiceReminderV1 {
	buyerOrgId: string;
	invoiceId: string;
	number: number;
	kind: 'before' | 'overdue';
	dueAt: string;
	outstandingFen: number;
	at: string;
}

export interface ServerToClientEvents {
	TradeOrderChangedV1: (p: TradeOrderChangedV1) => void;
	TradeCartChangedV1: (p: TradeCartChangedV1) => void;
	HelloV1: (p: HelloV1) => void;
	FulfilmentsChangedV1: (p: FulfilmentsChangedV1) => void;
	StockChangedV1: (p: StockChangedV1) => void;
	ShowStockChangedV1: (p: ShowStockChangedV1) => void;
	ShowChangedV1: (p: ShowChangedV1) => void;
	TradeSampleChangedV1: (p: TradeSampleChangedV1) => void;
	TradeMessageCreatedV1: (p: TradeMessageCreatedV1) => void;
	TradeCreditChangedV1: (p: TradeCreditChangedV1) => void;
	TradeInvoiceReminderV1: (p: TradeInvoiceReminderV1) => void;
	TradeDisputeChangedV1: (p: TradeDisputeChangedV1) => void;
}

export type AckResult<T> =
	| { ok: true; data: T }
	| { ok: false; error: { code: string; message: string; field?: string; [k: string]: unknown } };
export type Ack<T> = (result: AckResult<T>) => void;

export interface ClientToServerEvents {
	PingV1: (p: { at: number }, ack: Ack<{ at: number; serverTime: number }>) => void;
	/** Watch lots' stock: joins `lot:<id>` rooms and answers with the current counters. */
	LotWatchV1: (p: { lotIds: string[] }, ack: Ack<StockChangedV1[]>) => void;
	LotUnwatchV1: (p: { lotIds: string[] }) => void;
	/** Watch a show (its team and operators): joins `show:<id>`, answers with every slot's counters. */
	ShowWatchV1: (p: { showId: string }, ack: Ack<ShowStockChangedV1[]>) => void;
	ShowUnwatchV1: (p: { showId: string }) => void;
	/**
	 * Same as POST /api/v1/shows/:id/locks. `idempotencyKey` (optional, like the HTTP
	 * Idempotency-Key header): a retry with the same key and body acks the lock granted before
	 * (`replayed: true`), not a second one; with another body, `idempotency_mismatch`.
	 */
	LockAcquireV1: (
		p: { showId: string; lotId: string; quantity: number; idempotencyKey?: string },
		ack: Ack<{ lock: LockV1; counters: LotCountersV1; replayed: boolean }>
	) => void;
	/**
	 * Watch a trade conversation (its parties only; anyone else gets not_found): joins
	 * `conv:<id>` and acks the conversation's head. `TradeMessageCreatedV1` follows each message.
	 */
	ConversationWatchV1: (
		p: { kind: 'order' | 'sample' | 'dispute'; subjectId: string },
		ack: Ack<ConversationWatchedV1>
	) => void;
	ConversationUnwatchV1: (p: { conversationId: string }) => void;
}

export interface LockV1 {
	id: string;
	showId: string;
	lotId: string;
	quantity: number;
	consumed: number;
	status: 'active' | 'released' | 'expired';
	expiresAt: string;
	createdAt: string;
}

export interface LotCountersV1 {
	onHand: number;
	locked: number;
	allocated: number;
	available: number;
	version: number;
}

/** Rooms: one per organisation and per user; modules add their own. */
export const rooms = {
	org: (id: string) => `org:${id}`,
	user: (id: string) => `user:${id}`,
	lot: (id: string) => `lot:${id}`,
	show: (id: string) => `show:${id}`,
	conv: (id: string) => `conv:${id}`,
	/** Every signed-in operator's sockets (the arbitration queue, /admin/disputes). */
	operators: () => 'operators'
};
