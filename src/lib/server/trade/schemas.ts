// Inputs of the cart, checkout and payment services (docs/TRADE.md). Messages are catalogue keys:
// the process's zod error map gives the generic ones (v.required, v.too_big with {maximum} …).
// Quantity rules that depend on the lot (MOQ, step, mixed-batch minimum) are the domain's
// (domain/trade/cart.ts priceCart), reported with their own fields and params, not here.
import { z } from '$lib/server/validation';
import { PACKAGING_OPTIONS } from '$lib/domain/trade/policy';
import { TRADE_ORDER_STATES } from '$lib/domain/trade/order-state';
import { policyMax } from '../platform/policy';
import { ShipToInput } from '../orders/schemas';

const wholeNumber = () => z.number().int({ error: 'v.integer' });

export const TradePackagingInput = z
	.array(z.enum(PACKAGING_OPTIONS, { error: 'v.packaging' }))
	.max(PACKAGING_OPTIONS.length)
	.default([]);

/** One cart line as the buyer sets it: the lot, how many pieces, packaging requests. */
export const CartLineInput = z.strictObject({
	lotId: z.uuid(),
	quantity: wholeNumber()
		.min(1)
		.superRefine(policyMax((p) => p.trade.cart.maxQuantityPerLine)),
	packaging: TradePackagingInput
});
export type CartLineInput = z.infer<typeof CartLineInput>;

/**
 * A checkout line: a cart line that may name the approved sample whose fee it asks to have
 * credited (issue 19). Without one, the eligible credit (if any) applies by itself; with one,
 * a credit that cannot apply (expired, used, another lot, below MOQ) is a 422 at the line.
 */
export const CheckoutLineInput = CartLineInput.extend({ sampleId: z.uuid().optional() });

export const CartLotIdInput = z.uuid();

export const TradeShipToInput = ShipToInput;

export const PAYMENT_PROVIDER_NAMES = ['bank_transfer', 'test'] as const;

/** A checkout: explicit lines (else the cart's), where to ship, how to pay. */
export const CheckoutInput = z.strictObject({
	lines: z
		.array(CheckoutLineInput)
		.min(1, { error: 'v.order_lines' })
		.superRefine(policyMax((p) => p.trade.cart.maxLinesPerCart, 'array'))
		.optional(),
	shipTo: TradeShipToInput,
	provider: z.enum(PAYMENT_PROVIDER_NAMES, { error: 'v.choice' }),
	/** Escrow prepayment, or on the buyer's credit terms (issue 21; the provider is then unused). */
	paymentMode: z.enum(['escrow', 'terms'], { error: 'v.choice' }).default('escrow')
});
export type CheckoutInput = z.infer<typeof CheckoutInput>;

/** The Idempotency-Key header of a checkout: printable, 1–200 characters. */
export const IdempotencyKeyInput = z
	.string({ error: 'trade.err.idempotency_key' })
	.trim()
	.min(1, { error: 'trade.err.idempotency_key' })
	.max(200, { error: 'trade.err.idempotency_key' })
	.regex(/^[\x21-\x7e]+$/, { error: 'trade.err.idempotency_key' });

/** An operator's confirmation of a received bank transfer: the bank's serial number. */
export const ConfirmTransferInput = z.strictObject({
	reference: z
		.string()
		.trim()
		.min(4)
		.max(64)
		.regex(/^[A-Za-z0-9-]+$/, { error: 'trade.err.bank_reference' })
});

/** Order list filter: a state, or 'open' / 'closed'; cursor `before` (ISO time); page size. */
export const ListOrdersInput = z.strictObject({
	state: z.enum([...TRADE_ORDER_STATES, 'open', 'closed'], { error: 'v.choice' }).optional(),
	before: z.iso.datetime({ offset: true, error: 'v.datetime' }).optional(),
	limit: wholeNumber().min(1).max(200).default(50)
});
