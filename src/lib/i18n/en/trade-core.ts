import type zh from '../zh-CN/trade-core';

export default {
	'trade.err.buyer_only': 'Only a buyer can use the cart and check out.',
	'trade.err.operator_only': 'Only a platform operator can confirm a bank transfer.',
	'trade.err.idempotency_key': 'A valid Idempotency-Key (1–200 visible characters) is required.',
	'trade.err.idempotency_conflict': 'This Idempotency-Key was used for another checkout request.',
	'trade.err.bank_reference': 'A bank reference has only letters, digits and hyphens.',
	'trade.err.already_confirmed': 'This payment was already confirmed with another bank reference.',
	'trade.err.refund_not_found': 'Refund not found.',
	'trade.err.refund_done': 'This refund was already confirmed with another bank reference.',
	'trade.err.webhook': 'The payment notification’s signature or content is invalid.',
	'trade.err.reference_used': 'This bank reference already confirmed another payment.',
	'trade.err.not_bank_transfer': 'This payment is not a bank transfer; no operator confirms it.',
	'trade.err.provider_unavailable':
		'Test payments are not offered on this platform: choose bank transfer.',
	'trade.err.not_test_provider':
		'This order is paid by bank transfer: follow the payment instructions; the platform confirms it.',
	'trade.err.payment_failed': 'The payment did not go through; please try again.',
	'trade.err.amount_mismatch': 'The amount received differs from the amount due.',
	'trade.err.intent_not_found': 'Payment not found.',
	'trade.err.cart_problems': 'The cart has {count} problems to fix.',
	'trade.err.insufficient_stock': 'Only {available} pieces of this lot are for sale.',
	'trade.cart.err.too_many_lines': 'A cart holds at most {maximum} lots.',
	'trade.cart.err.duplicate_lot': 'A lot can be in the cart only once.',
	'trade.cart.err.unknown_lot': 'This lot does not exist or is no longer listed.',
	'trade.cart.err.lot_unavailable':
		'This lot is not for sale (blocked, or its supplier is not admitted).',
	'trade.cart.err.quantity': 'The quantity must be a whole number from {minimum} to {maximum}.',
	'trade.cart.err.moq': 'Minimum order is {moq} pieces; buy at least {minimum}.',
	'trade.cart.err.step': 'The quantity must be a multiple of {step} (whole cartons).',
	'trade.cart.err.mixed_batch_min':
		'A supplier’s lots must add up to at least {minimum} pieces (now {pieces}).',
	'trade.cart.err.packaging': 'Unknown packaging request.',
	'trade.cart.err.too_many_breaks': 'At most {maximum} price breaks.',
	'trade.cart.err.break_quantity':
		'A price break starts above {minimum} pieces, each above the one before.',
	'trade.cart.err.break_price': 'A break price is below {below} fen, each below the one before.',
	'trade.cart.err.out_of_band':
		'A break price must stay in the grade’s discount band ({minFen}–{maxFen} fen).',
	'trade.cart.err.insufficient_stock': 'Not enough stock: only {available} pieces are for sale.',
	'trade.cart.err.no_freight_route': 'No partner freight route from {origin} to {dest} yet.',
	'trade.cart.err.empty_cart': 'The cart is empty.',
	'trade.pay.bank.account_name': 'Account name',
	'trade.pay.bank.bank': 'Bank',
	'trade.pay.bank.account_no': 'Account number',
	'trade.pay.bank.memo': 'Transfer memo (required)',
	'trade.pay.refund.late_payment':
		'The order was cancelled as unpaid in time; the money received is returned the way it came.'
} satisfies Record<keyof typeof zh, string>;
