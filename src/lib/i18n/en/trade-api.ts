import type zh from '../zh-CN/trade-api';

export default {
	'trade.err.idempotency_header':
		'Checkout needs an Idempotency-Key header: 1–128 visible ASCII characters.',
	'upload.err.not_found': 'Unknown upload.',
	'upload.err.unreadable': 'The uploaded file could not be read.',
	'upload.err.too_large': 'Too large: at most {maxMb} MB.',
	'upload.err.mime': 'Only MP4, MOV (QuickTime) or WebM videos.',
	'upload.err.content': 'The file is not a video of the declared type; it was discarded.',
	'upload.err.offset_header': 'The Upload-Offset header must be a number of bytes.',
	'upload.err.offset': 'Offset mismatch: the server has {offset} bytes; continue from there.',
	'upload.err.beyond_size': 'The chunk goes beyond the declared size ({size} bytes).',
	'upload.err.chunk_type': 'Send chunks as application/offset+octet-stream.',
	'upload.err.complete': 'This upload is already complete.',
	'upload.err.closed': 'This upload is closed ({status}); start it again.',
	'upload.err.incomplete': 'The video has not finished uploading.'
} satisfies Record<keyof typeof zh, string>;
