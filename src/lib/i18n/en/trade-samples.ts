import type zh from '../zh-CN/trade-samples';

export default {
	'trade.sample.err.not_found': 'Sample request not found.',
	'trade.sample.err.state': 'Not possible while the sample request is {state}.',
	'trade.sample.err.deadline': 'The deadline for this step has passed.',
	'trade.sample.err.untagged': 'Every sample piece needs its platform tag before shipping.',
	'trade.sample.err.samples_disabled': 'This lot does not offer samples.',
	'trade.sample.err.pieces': 'Samples: {minimum}–{maximum} pieces.',
	'trade.sample.err.open_request': 'You already have an open sample request for this lot.',
	'trade.sample.state.pending_payment': 'Awaiting payment',
	'trade.sample.state.paid': 'Paid, to be shipped',
	'trade.sample.state.shipped': 'Shipped',
	'trade.sample.state.delivered': 'Delivered, to review',
	'trade.sample.state.approved': 'Approved and sealed',
	'trade.sample.state.auto_approved': 'Sealed (review window passed)',
	'trade.sample.state.rejected': 'Rejected',
	'trade.sample.state.cancelled_unpaid': 'Cancelled (unpaid)',
	'trade.sample.state.refunded': 'Refunded (not shipped in time)'
} satisfies Record<keyof typeof zh, string>;
