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
	'trade.err.duplicate_tracking': 'This tracking number is already registered.',
	'trade.err.inspection_buyer_only': 'Only the buyer inspects the goods.',
	'trade.err.piece_result': 'Each piece is pass, minor defect or severe defect.',
	'trade.err.not_drawn': 'This piece was not drawn for inspection.',
	'trade.err.media_key': 'This file does not belong to this order’s inspection.',
	'trade.err.photo_type': 'A photo must be JPEG, PNG or WebP.',
	'trade.err.photo_size': 'A photo may be at most {maximum} MB.',
	'trade.err.carrier_sign': 'The carrier push’s signature is wrong.',
	'trade.err.carrier_disabled': 'Carrier pushes are not configured; the buyer confirms arrival.',
	'trade.err.carrier_param': 'The carrier push’s param is not valid JSON.'
} satisfies Record<keyof typeof zh, string>;
