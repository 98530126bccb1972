// Trade order lifecycle (issue 18, h2): state steps, shipping, inspection, carrier events.
export default {
	'trade.err.not_found': '找不到该批发订单。',
	'trade.err.state': '订单当前状态（{state}）不能执行“{action}”。',
	'trade.err.wrong_actor': '你不能对该订单执行“{action}”。',
	'trade.err.deadline_passed': '“{action}”的期限已过（{deadline}）。',
	'trade.err.too_early': '“{action}”要到 {deadline} 之后才能执行。',
	'trade.err.no_parcels': '发货至少需要一个包裹。',
	'trade.err.carrier': '请选择承运快递公司。',
	'trade.err.tracking_no': '运单号应为 8–32 位字母或数字。',
	'trade.err.duplicate_tracking': '这个运单号已经登记过。'
} as const;
