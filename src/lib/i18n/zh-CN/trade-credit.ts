// Credit terms (账期, issue 21, h4): applications, limits, invoices, repayments, reminders.
export default {
	'trade.credit.err.none': '贵司尚未开通账期，请先申请账期或改用担保支付。',
	'trade.credit.err.b2b_moq': '账期采购每单至少 {minimum} 件。',
	'trade.credit.err.overdue':
		'有账单已逾期（到期日 {dueAt}），还清前不能账期下单，请改用担保支付。',
	'trade.credit.err.limit': '超出账期额度，当前可用额度 ¥{available}。',
	'trade.credit.err.uscc': '统一社会信用代码无效，请核对 18 位代码。',
	'trade.credit.err.uscc_taken': '该统一社会信用代码已被其他企业用于申请账期。',
	'trade.credit.err.already_applied': '贵司已提交过账期申请。',
	'trade.credit.err.term': '账期只能为 30 天或 45 天。',
	'trade.credit.err.state': '账期账户当前状态不能进行此操作。',
	'trade.credit.err.account_not_found': '找不到该账期账户。',
	'trade.credit.err.invoice_not_found': '找不到该账单。',
	'trade.credit.err.duplicate': '该银行流水号已登记过。',
	'trade.credit.err.overpayment': '还款金额超过应还总额 ¥{owed}。',
	'trade.credit.err.closed': '该账单已结清。',
	'trade.credit.warn': '账期额度已使用 80% 以上。',
	'trade.credit.reminder.before': '账单 {number} 将于 {dueAt} 到期，应还 ¥{amount}。',
	'trade.credit.reminder.overdue': '账单 {number} 已于 {dueAt} 逾期，应还 ¥{amount}，请尽快还款。'
} as const;
