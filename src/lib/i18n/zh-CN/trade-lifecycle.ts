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
	'trade.err.duplicate_tracking': '这个运单号已经登记过。',
	'trade.err.inspection_buyer_only': '只有买家可以验货。',
	'trade.err.piece_result': '每件的结果须为合格、轻微瑕疵或严重瑕疵。',
	'trade.err.not_drawn': '这一件不在抽检范围内。',
	'trade.err.media_key': '这个文件不属于该订单的验货记录。',
	'trade.err.photo_type': '照片须为 JPEG、PNG 或 WebP 格式。',
	'trade.err.photo_size': '照片不能超过 {maximum} MB。',
	'trade.err.carrier_sign': '快递推送的签名不正确。',
	'trade.err.carrier_disabled': '未配置快递推送，请由买家确认收货。',
	'trade.err.carrier_param': '快递推送的内容不是有效的 JSON。'
} as const;
