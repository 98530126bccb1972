import type { SQL } from 'drizzle-orm';
import type { FulfilmentStatus } from '$lib/domain/orders';
import type { Policy } from '$lib/domain/policy';
import type { Tx } from '../db';
import type { orderLines } from '../db/schema';

type LineRow = typeof orderLines.$inferSelect;

export interface PlacedEvent {
	/** The policy the batch decided with. */
	policy: Policy;
	showId: string;
	orders: { id: string; paidAt: Date; teamId: string }[];
	lines: (typeof orderLines.$inferInsert)[];
}

export interface FulfilmentMovedEvent {
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

export interface LineRefundedEvent {
	saleLineId: string;
	amountFen: number;
	reason: 'partial' | 'defect';
	refId: string;
	at: Date;
}

export interface SupplierChargedEvent {
	supplierId: string;
	amountFen: number;
	reason: string;
	refId: string;
}

/**
 * Extension points inside the orders module's transactions. The ledger registers here to post
 * money movements (payment into escrow, refunds, settlement scheduling, supplier charges) in the
 * same commit as the order event, without the orders module importing the ledger.
 */
export const orderHooks = {
	/**
	 * Statements to run in an order batch's transaction: sent pipelined right behind the batch's
	 * own write and before its COMMIT, in order. Built synchronously from the event; a statement
	 * that fails rolls the whole batch back.
	 */
	placed: [] as ((e: PlacedEvent) => SQL[])[],
	moved: [] as ((tx: Tx, e: FulfilmentMovedEvent) => Promise<void>)[],
	supplierCharged: [] as ((tx: Tx, e: SupplierChargedEvent) => Promise<void>)[],
	refunded: [] as ((tx: Tx, e: LineRefundedEvent) => Promise<void>)[]
};

export async function runHooks<E>(
	list: ((tx: Tx, e: E) => Promise<void>)[],
	tx: Tx,
	e: E
): Promise<void> {
	for (const h of list) await h(tx, e);
}
