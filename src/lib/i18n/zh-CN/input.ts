// Messages for input limits every field shares (control characters, dates, ids, unknown keys)
// and for rate limiting. Simplified Chinese is the source.
export default {
	'input.err.control_chars': '不能包含控制字符（如 U+0000）。',
	'input.err.datetime':
		'请填写带时区的 ISO 8601 日期时间（如 2026-11-26T12:00:00+08:00），范围 2000-01-01 至 2100-12-31。',
	'input.err.date': '请填写 YYYY-MM-DD 格式的日期，范围 2000-01-01 至 2100-12-31。',
	'input.err.month': '请填写 YYYY-MM 格式的月份，范围 2000-01-01 至 2100-12-31。',
	'input.err.id': '编号格式不正确。',
	'input.err.unknown_key': '不认识的字段：{key}。',
	'input.err.import_rows': '表格有 {count} 处问题，未导入任何内容。',
	'input.err.rate_limited': '尝试次数过多，请 {seconds} 秒后再试。',
	'input.err.sign_in_locked': '登录失败次数过多，请 {minutes} 分钟后再试。',
	'input.err.idempotency_key': 'Idempotency-Key 须为 1–255 个可见 ASCII 字符。',
	'input.err.idempotency_mismatch': '这个 Idempotency-Key 已用于另一次锁定请求（商品或数量不同）。',
	'input.err.after': 'after 须为锁定记录的编号。'
} as const;
