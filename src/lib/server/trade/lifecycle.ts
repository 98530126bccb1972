// OWNER: h2. Contract stub — h2 replaces the bodies. All take `now` (injected clock in tests).
import type { Principal } from '../auth/principal';
import type { TradeOrderView } from '$lib/trade/types';

/** Supplier accepts a paid order (before the accept SLA). */
export async function acceptOrder(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

/** Supplier marks an accepted order packed. */
export async function packOrder(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

/** Supplier ships: raw `{ parcels: [{ carrier, trackingNo, cartons }] }` (one or many). */
export async function shipOrder(
	p: Principal,
	orderId: unknown,
	raw: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	(void p, void orderId, void raw, void now);
	throw new Error('not built yet (h2)');
}

/** The buyer confirms arrival (the 48 h inspection window starts). */
export async function confirmArrival(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

/** The buyer accepts the goods: escrow releases to the supplier less the wholesale fee. */
export async function acceptAndRelease(
	p: Principal,
	orderId: unknown,
	now = new Date()
): Promise<TradeOrderView> {
	(void p, void orderId, void now);
	throw new Error('not built yet (h2)');
}

export interface PackingList {
	order: TradeOrderView;
	/** Cartons per line (quantity / pieces per carton, rounded up). */
	lines: {
		lineId: string;
		title: string;
		quantity: number;
		piecesPerCarton: number;
		cartons: number;
		packaging: string[];
	}[];
}

/** The supplier's packing list of an order (print page). */
export async function packingList(p: Principal, orderId: unknown): Promise<PackingList> {
	(void p, void orderId);
	throw new Error('not built yet (h2)');
}
