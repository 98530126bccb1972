import { randomUUID } from 'node:crypto';
import { redirect } from '@sveltejs/kit';
import { cartView, checkout, enabledProviders, myCredit } from '$lib/server/trade';
import { requirePrincipal } from '$lib/server/auth/principal';
import { formAction, pageLoad } from '$lib/server/edge';
import { z } from '$lib/server/validation';
import { isProvince } from '$lib/trade/buyer';
import { checkoutFromForm } from '$lib/trade/forms';
import type { Actions, PageServerLoad } from './$types';

/**
 * The checkout form over the cart. Each render carries a fresh Idempotency-Key: a double click
 * or a resubmitted form sends the same key and gets the same orders back, never a second set.
 */
export const load: PageServerLoad = pageLoad(async ({ locals, url }) => {
	const dest = url.searchParams.get('dest');
	const p = requirePrincipal(locals);
	const cart = await cartView(p, isProvince(dest) ? { destProvince: dest } : {});
	// The terms option shows the account's state up front (overdue, available) — not only on refusal.
	const c = await myCredit(p);
	const credit = c
		? {
				status: c.account.status,
				availableFen: c.availableFen,
				blockedDueAt: c.blocked ? c.blocked.dueAt.toISOString() : null
			}
		: null;
	return { cart, idempotencyKey: randomUUID(), providers: enabledProviders(), credit };
});

const keySchema = z.object({
	idempotencyKey: z
		.string({ error: 'buyer.err.idempotency_key' })
		.min(8, { error: 'buyer.err.idempotency_key' })
		.max(100, { error: 'buyer.err.idempotency_key' })
});

export const actions: Actions = {
	default: formAction(keySchema, async ({ principal, data, input }) => {
		const r = await checkout(principal(), checkoutFromForm(data), input.idempotencyKey);
		redirect(303, `/buyer/orders?checkout=${encodeURIComponent(r.checkoutId)}`);
	})
};
