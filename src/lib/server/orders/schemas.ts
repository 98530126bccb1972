import { isoDateTime, multilineText, z } from '$lib/server/validation';
import { DEFAULT_POLICY } from '$lib/domain/policy';
import { FULFILMENT_ACTIONS, PACKAGING } from '$lib/domain/orders';

const P = DEFAULT_POLICY.orders;

/**
 * Text Postgres will store: no control characters (it refuses NUL in text and JSON) and no
 * lone UTF-16 surrogates (JSON.stringify writes them as escapes Postgres refuses). Checked here
 * because an order the database refuses would fail the whole batch it shares a transaction with.
 * (Control characters are found by code point: eslint forbids them in a regex.)
 */
const hasControl = (v: string) => {
	for (let i = 0; i < v.length; i++) {
		const c = v.charCodeAt(i);
		if (c < 0x20 || c === 0x7f) return true;
	}
	return false;
};
const storable = (v: string) => !hasControl(v) && v.isWellFormed();
const storableError = (field: string) => ({
	error: `${field} must not contain control or invalid characters.`
});

const text = (field: string, max: number) =>
	z
		.string({ error: `${field} is required.` })
		.trim()
		.min(1, { error: `${field} is required.` })
		.max(max, { error: `${field} must be at most ${max} characters.` })
		.refine(storable, storableError(field));

/** Largest order total the orders table holds (a Postgres integer), in fen. */
const MAX_ORDER_TOTAL_FEN = 2_147_483_647;

export const ShipToInput = z.object({
	name: text('Name', 100),
	phone: z
		.string({ error: 'Phone is required.' })
		.trim()
		.regex(/^\+?[0-9][0-9 -]{5,19}$/, { error: 'Phone must be a phone number.' }),
	province: text('Province', 40),
	city: text('City', 40),
	district: z.string().trim().max(40).refine(storable, storableError('District')).default(''),
	address: text('Address', 300)
});

export const OrderLineInput = z.object({
	lotId: z.uuid({ error: 'lotId must be an id (uuid).' }),
	quantity: z
		.number({ error: 'quantity must be a whole number.' })
		.int({ error: 'quantity must be a whole number of units.' })
		.min(1, { error: 'quantity must be at least 1.' })
		.max(P.maxQuantityPerLine, { error: `quantity must be at most ${P.maxQuantityPerLine}.` }),
	/** What the consumer paid per unit, integer fen. */
	unitPrice: z
		.number({ error: 'unitPrice must be a whole number of fen.' })
		.int({ error: 'unitPrice must be a whole number of fen.' })
		.min(1, { error: 'unitPrice must be at least 1 fen.' })
		.max(100_000_000, { error: 'unitPrice is too large.' })
});

export const OrderInput = z.object({
	externalId: text('externalId', 100),
	showId: z.uuid({ error: 'showId must be an id (uuid).' }),
	lines: z
		.array(OrderLineInput, { error: 'lines must be a list.' })
		.min(1, { error: 'An order needs at least one line.' })
		.max(P.maxLinesPerOrder, { error: `An order has at most ${P.maxLinesPerOrder} lines.` })
		.refine((ls) => ls.reduce((t, l) => t + l.quantity * l.unitPrice, 0) <= MAX_ORDER_TOTAL_FEN, {
			error: `The order's total (quantity × unitPrice over its lines) must be at most ${MAX_ORDER_TOTAL_FEN} fen.`
		}),
	shipTo: ShipToInput,
	paidAt: isoDateTime()
});
export type OrderInput = z.infer<typeof OrderInput>;

export const TransitionInput = z
	.object({
		action: z.enum(FULFILMENT_ACTIONS, { error: 'Unknown action.' }),
		carrier: z.string().trim().min(1).max(40).optional(),
		trackingNo: z
			.string()
			.trim()
			.regex(/^[A-Za-z0-9-]{6,40}$/, { error: 'Tracking number must be 6–40 letters or digits.' })
			.optional(),
		note: multilineText().trim().max(500).optional(),
		shipTo: ShipToInput.optional()
	})
	.superRefine((v, ctx) => {
		if (v.action === 'ship') {
			if (!v.carrier)
				ctx.addIssue({ code: 'custom', path: ['carrier'], message: 'Carrier is required.' });
			if (!v.trackingNo)
				ctx.addIssue({
					code: 'custom',
					path: ['trackingNo'],
					message: 'Tracking number is required.'
				});
		}
	});
export type TransitionInput = z.infer<typeof TransitionInput>;

export const PackagingInput = z
	.array(z.enum(PACKAGING, { error: 'Unknown packaging instruction.' }))
	.max(3);

export const ClaimInput = z.object({
	severePieces: z
		.number({ error: 'severePieces must be a whole number.' })
		.int({ error: 'severePieces must be a whole number.' })
		.min(1, { error: 'severePieces must be at least 1.' })
		.max(10_000),
	description: multilineText().trim().max(2000).default(''),
	/** Stored media keys (uploaded photos). */
	photos: z.array(z.string().min(1).max(300)).max(20).default([])
});

export const FreightQuoteInput = z.object({
	origin: text('origin', 40),
	dest: text('dest', 40),
	pieces: z.coerce
		.number({ error: 'pieces must be a whole number.' })
		.int({ error: 'pieces must be a whole number.' })
		.min(1, { error: 'pieces must be at least 1.' })
		.max(1_000_000)
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
	lineId: z.uuid({ error: 'lineId must be an id (uuid).' }),
	amountFen: z
		.number({ error: 'amountFen must be a whole number of fen.' })
		.int({ error: 'amountFen must be a whole number of fen.' })
		.min(1, { error: 'amountFen must be at least 1 fen.' }),
	reason: z.enum(['partial', 'defect']).default('partial'),
	/** The live platform's refund number: the same one twice refunds once. */
	refId: z.string().trim().min(1, { error: 'refId is required.' }).max(100)
});
