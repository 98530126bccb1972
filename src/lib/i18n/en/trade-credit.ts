import type zh from '../zh-CN/trade-credit';

export default {
	'trade.credit.err.none':
		'Your company has no credit terms yet. Apply for terms or pay through escrow.',
	'trade.credit.err.b2b_moq': 'An order on credit terms needs at least {minimum} pieces.',
	'trade.credit.err.overdue':
		'An invoice is overdue (due {dueAt}). Until it is paid, pay through escrow instead.',
	'trade.credit.err.limit': 'This exceeds your credit limit. Available now: ¥{available}.',
	'trade.credit.err.uscc': 'This unified social credit code is not valid. Check the 18 characters.',
	'trade.credit.err.uscc_taken':
		'Another company has already applied for terms with this unified social credit code.',
	'trade.credit.err.already_applied': 'Your company has already applied for credit terms.',
	'trade.credit.err.term': 'Terms are 30 or 45 days.',
	'trade.credit.err.state': 'The credit account cannot do this in its current state.',
	'trade.credit.err.account_not_found': 'Credit account not found.',
	'trade.credit.err.invoice_not_found': 'Invoice not found.',
	'trade.credit.err.duplicate': 'This bank reference has already been recorded.',
	'trade.credit.err.overpayment': 'The repayment is more than the ¥{owed} owed.',
	'trade.credit.err.closed': 'This invoice is already settled.',
	'trade.credit.warn': 'Over 80% of your credit limit is in use.',
	'trade.credit.reminder.before': 'Invoice {number} is due on {dueAt}: ¥{amount}.',
	'trade.credit.reminder.overdue':
		'Invoice {number} is overdue since {dueAt}: ¥{amount}. Please pay.'
} as const satisfies Record<keyof typeof zh, string>;
