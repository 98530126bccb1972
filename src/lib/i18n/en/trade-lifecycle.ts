import type zh from '../zh-CN/trade-lifecycle';

export default {
	'trade.err.not_found': 'Trade order not found.',
	'trade.err.state': 'The order is {state}: “{action}” is not possible now.',
	'trade.err.wrong_actor': 'You cannot “{action}” this order.',
	'trade.err.deadline_passed': 'The deadline for “{action}” has passed ({deadline}).',
	'trade.err.too_early': '“{action}” is only possible after {deadline}.',
	'trade.err.no_parcels': 'A shipment needs at least one parcel.',
	'trade.err.carrier': 'Choose the carrier.',
	'trade.err.tracking_no': 'A tracking number has 8–32 letters or digits.',
	'trade.err.duplicate_tracking': 'This tracking number is already registered.'
} satisfies Record<keyof typeof zh, string>;
