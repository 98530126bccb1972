// Samples and tagged reference samples (拿样 / 封样, issue 19).
export default {
	'trade.sample.err.not_found': '找不到该拿样申请。',
	'trade.sample.err.state': '拿样申请当前状态（{state}）下不能执行此操作。',
	'trade.sample.err.deadline': '该步骤的期限已过。',
	'trade.sample.err.untagged': '每件样品都要先领取平台标签，才能发货。',
	'trade.sample.err.samples_disabled': '该批货不提供拿样。',
	'trade.sample.err.pieces': '样品件数须为 {minimum}–{maximum} 件。',
	'trade.sample.err.open_request': '您对该批货已有进行中的拿样申请。',
	'trade.sample.state.pending_payment': '待付款',
	'trade.sample.state.paid': '已付款，待发样',
	'trade.sample.state.shipped': '样品已发出',
	'trade.sample.state.delivered': '样品已签收，待确认',
	'trade.sample.state.approved': '已确认封样',
	'trade.sample.state.auto_approved': '超时自动封样',
	'trade.sample.state.rejected': '已拒绝',
	'trade.sample.state.cancelled_unpaid': '未付款已取消',
	'trade.sample.state.refunded': '超时未发，已退款'
};
