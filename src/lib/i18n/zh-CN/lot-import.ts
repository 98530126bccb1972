// The supplier's sheet import that adds and updates lots by their supplier code (货号).
export default {
	'lot.err.sku': '货号不能包含空格、逗号或分号。',
	'lot.err.sku_taken': '你已有一个货盘使用这个货号。',
	'import.err.sku_duplicate': '货号“{sku}”在第 {row} 行已出现过。',
	'import.err.sku_exists': '货号“{sku}”已有货盘；要更新已有货盘，请用“新增并更新”方式导入。',
	'import.err.stale':
		'预览之后货盘已有变动（如库存被锁定、售出或被修改），未写入任何数据。请看下面的最新预览，确认后再导入。',
	'form.sku': '货号（供应商编码）',
	'form.sku_hint': '选填，在你的货盘中唯一。再次导入表格时，按货号更新库存、价格、状态和描述。',
	'imp.update_help':
		'表格中有“货号”列时，货号与已有货盘相同的行会更新该货盘的库存、批发价（或折扣）、状态和描述：价格须在品质价格带内，库存不能低于已锁定和已分配的数量。其余行新增货盘。导入前先预览，全部通过才会写入。',
	'imp.preview_btn': '上传并预览',
	'imp.preview_title': '导入预览',
	'imp.preview_help': '以下是导入后会发生的变化，尚未写入任何数据。确认无误后点击“确认导入”。',
	'imp.kind.added': '新增',
	'imp.kind.changed': '修改',
	'imp.kind.unchanged': '不变',
	'imp.kind.refused': '拒绝',
	'imp.kind_count': '{kind} {n} 行',
	'imp.sku': '货号',
	'imp.lot_title': '货盘',
	'imp.change': '变化',
	'imp.confirm': '确认导入',
	'imp.applied': '导入成功：新增 {created} 个货盘，更新 {updated} 个，{unchanged} 个不变。',
	'imp.field.onHand': '库存',
	'imp.field.unitPriceFen': '批发价',
	'imp.field.status': '状态',
	'imp.field.description': '描述'
} as const;
