// OWNER: h1. Contract stub — h1 replaces the bodies. Signatures may gain optional parameters only.
import type { Principal } from '../auth/principal';
import type { CartView } from '$lib/trade/types';

/** The buyer org's cart, priced, with every problem and freight quoted per supplier group. */
export async function cartView(
	p: Principal,
	opts: { destProvince?: string } = {}
): Promise<CartView> {
	void p;
	void opts;
	throw new Error('not built yet (h1)');
}

/** Adds or replaces one line: raw `{ lotId, quantity, packaging?: PackagingOption[] }`. */
export async function setCartLine(p: Principal, raw: unknown): Promise<CartView> {
	void p;
	void raw;
	throw new Error('not built yet (h1)');
}

/** Removes a line (raw lot id, validated). */
export async function removeCartLine(p: Principal, lotId: unknown): Promise<CartView> {
	void p;
	void lotId;
	throw new Error('not built yet (h1)');
}
