import { isoDateTime, multilineText, z } from '$lib/server/validation';
import { policyMax } from '../platform/policy';
import { FULFILMENT_ACTIONS } from '$lib/domain/orders';

// Messages are catalogue keys: the process's zod error map (zod-messages.ts) gives the generic
// ones (v.required, v.too_long with {maximum} …); the rules below name their own. Text is `z`
// from $lib/server/validation (no control characters); lone UTF-16 surrogates are refused too,
// since JSON.stringify writes them as escapes Postgres refuses, and an order the database
// refuses would send its whole batch down the slower isolating path.
const wellFormed = (v: string) => v.isWellFormed();
const text = (max: number) =>
	z.string().trim().min(1).max(max).refine(wellFormed, { error: 'input.err.control_chars' });
// An error given to z.number() itself would also word its min/max refusals: only .int() has one.
const wholeNumber = () => z.number().int({ error: 'v.integer' });
const fen = () => z.number().int({ error: 'v.fen' });

/** Largest order total the orders table holds (a Postgres integer), in fen. */
const MAX_ORDER_TOTAL_FEN = 2_147_483_647;

export const ShipToInput = z.object({
	name: text(100),
	phone: z
		.string()
		.trim()
		.min(1)
		.regex(/^\+?[0-9][0-9 -]{5,19}$/, { error: 'v.phone' }),
	province: text(40),
	city: text(40),
	district: z
		.string()
		.trim()
		.max(40)
		.refine(wellFormed, { error: 'input.err.control_chars' })
		.default(''),
	address: text(300)
});

export const OrderLineInput = z.object({
	lotId: z.uuid(),
	quantity: wholeNumber()
		.min(1)
		.superRefine(policyMax((p) => p.orders.maxQuantityPerLine)),
	/** What the consumer paid per unit, integer fen. */
	unitPrice: fen().min(1).max(100_000_000)
});

export const OrderInput = z.object({
	externalId: text(100),
	showId: z.uuid(),
	lines: z
		.array(OrderLineInput)
		.min(1, { error: 'v.order_lines' })
		.superRefine(policyMax((p) => p.orders.maxLinesPerOrder, 'array'))
		.refine((ls) => ls.reduce((t, l) => t + l.quantity * l.unitPrice, 0) <= MAX_ORDER_TOTAL_FEN, {
			error: 'v.order_total',
			params: { maximum: MAX_ORDER_TOTAL_FEN }
		}),
	shipTo: ShipToInput,
	paidAt: isoDateTime()
});
export type OrderInput = z.infer<typeof OrderInput>;

export const TransitionInput = z
	.object({
		action: z.enum(FULFILMENT_ACTIONS, { error: 'v.action' }),
		carrier: z.string().trim().min(1).max(40).optional(),
		trackingNo: z
			.string()
			.trim()
			.regex(/^[A-Za-z0-9-]{6,40}$/, { error: 'v.tracking_no' })
			.optional(),
		note: multilineText().trim().max(500).optional(),
		shipTo: ShipToInput.optional()
	})
	.superRefine((v, ctx) => {
		if (v.action === 'ship') {
			if (!v.carrier)
				ctx.addIssue({ code: 'custom', path: ['carrier'], message: 'v.carrier_required' });
			if (!v.trackingNo)
				ctx.addIssue({
					code: 'custom',
					path: ['trackingNo'],
					message: 'v.tracking_required'
				});
		}
	});
export type TransitionInput = z.infer<typeof TransitionInput>;

export const ClaimInput = z.object({
	severePieces: wholeNumber().min(1).max(10_000),
	description: multilineText().trim().max(2000).default(''),
	/** Stored media keys (uploaded photos). */
	photos: z.array(z.string().min(1).max(300)).max(20).default([])
});

export const FreightQuoteInput = z.object({
	origin: text(40),
	dest: text(40),
	pieces: z.coerce.number().int({ error: 'v.integer' }).min(1).max(1_000_000)
});

export const QueueQuery = z.object({
	status: z
		.enum([
			'open',
			'all',
			'pending',
			'accepted',
			'packed',
			'shipped',
			'delivered',
			'exceptions',
			'closed'
		])
		.default('open'),
	limit: z.coerce.number().int().min(1).max(500).default(200)
});

export const RefundLineInput = z.object({
	lineId: z.uuid(),
	amountFen: fen().min(1),
	reason: z.enum(['partial', 'defect']).default('partial'),
	/** The live platform's refund number: the same one twice refunds once. */
	refId: z.string().trim().min(1).max(100)
});
