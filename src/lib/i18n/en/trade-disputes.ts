import type zh from '../zh-CN/trade-disputes';

export default {
	'trade.dispute.err.not_found': 'Dispute not found.',
	'trade.dispute.err.buyer_only': "Only the order's buyer can file a dispute.",
	'trade.dispute.err.window':
		'The inspection window (48 hours after arrival) has passed or the order is not under inspection: no dispute can be filed.',
	'trade.dispute.err.wrong_actor': 'You cannot take this step in this dispute state ({state}).',
	'trade.dispute.err.deadline_passed': "This step's deadline has passed ({state}).",
	'trade.dispute.err.state': 'The dispute state ({state}) does not allow this step.',
	'trade.dispute.err.amount': 'The amount must be between 1 fen and the frozen amount.',
	'trade.dispute.err.reason': 'A ruling needs a written reason.',
	'trade.dispute.err.tracking': 'A return needs a carrier and a tracking number.',
	'trade.dispute.err.unknown_line': 'This line is not on the order.',
	'trade.dispute.err.duplicate_line': 'Each order line may appear only once.',
	'trade.dispute.err.quantity': 'Pieces affected must be between {minimum} and {maximum}.',
	'trade.dispute.err.loss': 'Estimated loss must be between 0% and 100%.',
	'trade.dispute.err.problem': 'Choose the problem.',
	'trade.dispute.err.remedy': 'Choose the remedy asked.',
	'trade.dispute.err.refund': 'The refund must be between {minimum} and {maximum} fen.',
	'trade.dispute.err.empty': 'List at least one line with a problem.'
} satisfies Record<keyof typeof zh, string>;
