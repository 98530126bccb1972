// Disputes on trade orders (issue 20): errors and labels.
export default {
	'trade.dispute.err.not_found': '没有找到这个纠纷。',
	'trade.dispute.err.buyer_only': '只有该订单的采购商可以发起纠纷。',
	'trade.dispute.err.window': '验货期（到货后 48 小时）已过或订单不在验货中，不能再发起纠纷。',
	'trade.dispute.err.wrong_actor': '您不能在这个纠纷阶段（{state}）做这一步。',
	'trade.dispute.err.deadline_passed': '这一步的期限已过（{state}）。',
	'trade.dispute.err.state': '纠纷当前状态（{state}）不允许这一步。',
	'trade.dispute.err.amount': '金额必须在 1 分到冻结金额之间。',
	'trade.dispute.err.reason': '裁决必须写明理由。',
	'trade.dispute.err.tracking': '退货需要填写承运商和运单号。',
	'trade.dispute.err.unknown_line': '这一行不属于该订单。',
	'trade.dispute.err.duplicate_line': '同一订单行只能出现一次。',
	'trade.dispute.err.quantity': '受影响数量必须在 {minimum} 到 {maximum} 件之间。',
	'trade.dispute.err.loss': '估计损失必须在 0% 到 100% 之间。',
	'trade.dispute.err.problem': '请选择问题类型。',
	'trade.dispute.err.remedy': '请选择要求的处理方式。',
	'trade.dispute.err.refund': '退款金额必须在 {minimum} 到 {maximum} 分之间。',
	'trade.dispute.err.empty': '至少列出一行有问题的商品。'
} as const;
