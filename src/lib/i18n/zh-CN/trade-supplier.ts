// Trade, supplier and operator side (issue 18): the lot's wholesale terms, the supplier's trade
// order queue, the packing list and the operator's bank-transfer confirmations.
export default {
	'terms.title': '批发条款',
	'terms.intro':
		'设置起订步长、每箱件数和阶梯价（最多 {max} 档）。阶梯价须低于批发价 {price}，并在 {grade} 品价格区间 {min}–{max2} 之内。',
	'terms.intro_override':
		'设置起订步长、每箱件数和阶梯价（最多 {max} 档）。阶梯价须低于批发价 {price}；该货盘价格已获平台特批，可不受价格区间限制。',
	'terms.step': '数量步长（件）',
	'terms.step_hint': '采购数量须是它的整数倍，起批量 {moq} 件。',
	'terms.per_carton': '每箱件数',
	'terms.breaks': '阶梯价',
	'terms.break_qty': '起购数量（件）',
	'terms.break_price': '单价（元）',
	'terms.break_n': '第 {n} 档',
	'terms.add_break': '添加一档',
	'terms.remove_break': '删除',
	'terms.none': '暂无阶梯价：所有数量按批发价 {price} 计。',
	'terms.save': '保存批发条款',
	'terms.saved': '批发条款已保存。',
	'terms.err.too_many': '阶梯价最多 {max} 档。',
	'terms.err.quantity': '起购数量至少 {min} 件（须高于起批量和上一档）。',
	'terms.err.price': '单价须低于 {below}（低于批发价和上一档）。',
	'terms.err.band': '单价须在该等级价格区间 {min}–{max} 之内。',
	'terms.err.yuan': '请填写金额，如 12.50。',
	'terms.err.whole': '请填写正整数。'
} as const;
