// The supplier's trade forms (/supplier/trade and its order page): accept, pack and
// ship through the lifecycle services; the ship form's rows become `{ parcels: [...] }`.
import type { RequestEvent } from '@sveltejs/kit';
import { formAction } from '../edge';
import { z } from '../validation';
import { acceptOrder, packOrder, shipOrder } from './lifecycle';
import { shipReplacement } from './replacements';

/** Parcel rows the form may send (the policy's maxParcels is the service's business). */
export const SHIP_FORM_ROWS = 50;

const OrderForm = z.object({ orderId: z.string().max(64) });

/** The order a queue row's form names (`orderId`), or the page's own (`[id]`). */
const orderOf = (event: RequestEvent, values: Record<string, string>) =>
	event.params.id ?? values.orderId ?? '';

/** Which form failed: the action and the order, so the queue shows it on the right row. */
const opts = (action: string) => ({
	action,
	extra: (v: Record<string, string>) => ({ orderId: v.orderId ?? '' })
});

export const acceptAction = formAction(
	OrderForm.partial(),
	async ({ event, values, principal }) => {
		const order = await acceptOrder(principal(), orderOf(event, values));
		return { action: 'accept', orderId: order.id, state: order.state };
	},
	opts('accept')
);

export const packAction = formAction(
	OrderForm.partial(),
	async ({ event, values, principal }) => {
		const order = await packOrder(principal(), orderOf(event, values));
		return { action: 'pack', orderId: order.id, state: order.state };
	},
	opts('pack')
);

/**
 * The ship form's `parcels.<i>.carrier|trackingNo|cartons` rows as the service's input. Empty
 * rows after the last filled one are dropped; a whole number of cartons becomes a number and
 * anything else is passed on as typed, so the service's validation names the field.
 */
export function shipFormToInput(values: Record<string, string>) {
	const rows: { carrier: string; trackingNo: string; cartons: string }[] = [];
	for (let i = 0; i < SHIP_FORM_ROWS; i++) {
		rows.push({
			carrier: (values[`parcels.${i}.carrier`] ?? '').trim(),
			trackingNo: (values[`parcels.${i}.trackingNo`] ?? '').trim(),
			cartons: (values[`parcels.${i}.cartons`] ?? '').trim()
		});
	}
	const blank = (r: (typeof rows)[number]) => !r.carrier && !r.trackingNo && !r.cartons;
	while (rows.length && blank(rows[rows.length - 1]!)) rows.pop();
	return {
		parcels: rows.map((r) => ({
			carrier: r.carrier,
			trackingNo: r.trackingNo,
			cartons: /^\d{1,9}$/.test(r.cartons) ? Number(r.cartons) : r.cartons
		}))
	};
}

export const shipAction = formAction(
	undefined,
	async ({ event, values, principal }) => {
		const order = await shipOrder(principal(), orderOf(event, values), shipFormToInput(values));
		return { action: 'ship', orderId: order.id, state: order.state };
	},
	opts('ship')
);

const ReplacementForm = z.object({ replacementId: z.string().max(64) });

/**
 * The 补发/换货 form of the order page: one parcel (`parcels.0.carrier|trackingNo|cartons`) for
 * the replacement named by `replacementId`; the service's refusals name the parcel's fields.
 */
export const shipReplacementAction = formAction(
	ReplacementForm,
	async ({ event, values, principal }) => {
		const { parcels } = shipFormToInput(values);
		const r = await shipReplacement(principal(), orderOf(event, values), values.replacementId, {
			parcels: parcels.map((x) =>
				typeof x.cartons === 'string' && x.cartons === '' ? { ...x, cartons: undefined } : x
			)
		});
		return { action: 'ship_replacement', orderId: r.orderId, replacementId: r.id };
	},
	{
		action: 'ship_replacement',
		extra: (v: Record<string, string>) => ({ replacementId: v.replacementId ?? '' })
	}
);
