import {
	commonErrors,
	errorResponse,
	jsonBody,
	jsonResponse,
	schemaRef,
	toSchema,
	uuidParam,
	type OpenApiPart
} from '../openapi';
import { UPLOAD_CHUNK_BYTES } from './purposes';
import { CreateUploadInput } from './schemas';

const offsetHeaders = {
	'Upload-Offset': { schema: { type: 'integer' }, description: 'Bytes received so far' },
	'Upload-Length': { schema: { type: 'integer' }, description: 'The declared size' }
};

/** Resumable uploads (tus-like), merged into /api/v1/openapi.json. */
export function uploadsOpenApi(): OpenApiPart {
	const upload = {
		type: 'object',
		properties: {
			id: { type: 'string', format: 'uuid' },
			purpose: { type: 'string' },
			refId: { type: 'string', format: 'uuid' },
			name: { type: 'string' },
			mime: { type: 'string' },
			size: { type: 'integer' },
			offset: { type: 'integer' },
			status: { enum: ['uploading', 'complete', 'rejected', 'expired'] },
			chunkSize: { type: 'integer', description: 'The largest chunk a PATCH may carry' },
			key: { type: ['string', 'null'], description: 'Storage key once complete' },
			url: { type: ['string', 'null'] },
			expiresAt: { type: 'string', format: 'date-time' }
		}
	};
	const uploadBody = { type: 'object', properties: { upload: schemaRef('Upload') } };
	return {
		schemas: { UploadCreate: toSchema(CreateUploadInput), Upload: upload },
		paths: {
			'/api/v1/uploads': {
				post: {
					summary:
						'Announce a resumable upload (an inspection video: purpose inspection_video, refId the order; a message attachment: message_attachment, refId the conversation; dispute evidence: dispute_evidence, refId the order). The caller’s organisation and user own it.',
					requestBody: jsonBody(schemaRef('UploadCreate')),
					responses: {
						'201': { ...jsonResponse('Created at offset 0', uploadBody), headers: offsetHeaders },
						...commonErrors(),
						'404': errorResponse('The order is unknown or not the caller’s'),
						'409': errorResponse('trade_state: the order is not being inspected'),
						'413': errorResponse('too_large: beyond the purpose’s size limit'),
						'422': errorResponse('upload_type: not an accepted video type')
					}
				}
			},
			'/api/v1/uploads/{id}': {
				parameters: [uuidParam()],
				get: {
					summary: 'The upload (its owner only)',
					responses: {
						'200': { ...jsonResponse('The upload', uploadBody), headers: offsetHeaders },
						'401': errorResponse('Not signed in'),
						'404': errorResponse('Unknown, or not the caller’s')
					}
				},
				head: {
					summary: 'Where to resume: Upload-Offset and Upload-Length headers (its owner only)',
					responses: {
						'204': { description: 'Offsets in the headers', headers: offsetHeaders },
						'404': { description: 'Unknown, or not the caller’s' }
					}
				},
				patch: {
					summary: `One chunk (at most ${UPLOAD_CHUNK_BYTES} bytes) at Upload-Offset; the last one joins and sniffs the file`,
					parameters: [
						{
							name: 'Upload-Offset',
							in: 'header',
							required: true,
							schema: { type: 'integer', minimum: 0 },
							description: 'Must be the server’s offset (ask with HEAD after a drop)'
						}
					],
					requestBody: {
						required: true,
						content: {
							'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } }
						}
					},
					responses: {
						'204': { description: 'Stored; the new Upload-Offset', headers: offsetHeaders },
						'200': {
							...jsonResponse('The last chunk: complete, with its storage key', uploadBody),
							headers: offsetHeaders
						},
						'400': errorResponse('Bad Upload-Offset or Content-Type'),
						'401': errorResponse('Not signed in'),
						'404': errorResponse('Unknown, or not the caller’s'),
						'409': errorResponse(
							'offset_mismatch (offset: the server’s), upload_complete, upload_closed (expired/rejected)'
						),
						'413': errorResponse('too_large: chunk beyond chunkSize'),
						'422': errorResponse(
							'beyond_size; upload_content: the joined file is not the declared video type'
						)
					}
				}
			}
		}
	};
}
