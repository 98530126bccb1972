import type zh from '../zh-CN/trade-replacements';

export default {
	'trade.replacement.err.not_found': 'Replacement not found.',
	'trade.replacement.err.supplier_only': "Only the order's supplier can ship a replacement.",
	'trade.replacement.err.state': 'This replacement ({state}) cannot be shipped any more.',
	'trade.replacement.err.deadline_passed':
		"The replacement's deadline has passed ({state}); the held amount went back to the buyer.",
	'trade.replacement.title': 'Replacement / exchange',
	'trade.replacement.source.exchange': 'Exchange (dispute)',
	'trade.replacement.source.severe_defect': 'Severe-defect replacement',
	'trade.replacement.state.due': 'Due',
	'trade.replacement.state.shipped': 'Shipped',
	'trade.replacement.state.missed': 'Missed (refunded)',
	'trade.replacement.due': 'Ship by {at}',
	'trade.replacement.pieces': '{n} pcs',
	'trade.replacement.held':
		'{amount} held: released (less the platform fee) when it ships; refunded to the buyer if late',
	'trade.replacement.freight': "Replacement freight, the supplier's: {amount}",
	'trade.replacement.line': '{title}: {n} pcs',
	'trade.replacement.carrier': 'Carrier',
	'trade.replacement.tracking': 'Tracking number',
	'trade.replacement.cartons': 'Cartons',
	'trade.replacement.ship': 'Ship replacement',
	'trade.replacement.shipped_at': 'Shipped {at}',
	'trade.replacement.missed_at': 'Missed at {at}, refunded {amount}',
	'trade.replacement.parcel': 'Replacement parcel'
} satisfies Record<keyof typeof zh, string>;
