// Trade API (/api/v1/trade) and resumable uploads (/api/v1/uploads): request-level messages.
export default {
	'trade.err.idempotency_header':
		'下单请求必须带 Idempotency-Key 请求头：1–128 个可见 ASCII 字符。',
	'upload.err.not_found': '找不到该上传。',
	'upload.err.unreadable': '无法读取上传的文件。',
	'upload.err.too_large': '文件过大：最多 {maxMb} MB。',
	'upload.err.mime': '只接受 MP4、MOV（QuickTime）或 WebM 视频。',
	'upload.err.content': '文件内容不是所声明类型的视频，已丢弃。',
	'upload.err.offset_header': 'Upload-Offset 请求头必须是字节数（非负整数）。',
	'upload.err.offset': '偏移量不一致：服务器已收到 {offset} 字节，请从该位置继续。',
	'upload.err.beyond_size': '分片超出了声明的文件大小（{size} 字节）。',
	'upload.err.chunk_type': '分片请以 application/offset+octet-stream 类型发送。',
	'upload.err.complete': '该上传已完成。',
	'upload.err.closed': '该上传已关闭（{status}），请重新上传。',
	'upload.err.incomplete': '视频尚未上传完成。'
} as const;
