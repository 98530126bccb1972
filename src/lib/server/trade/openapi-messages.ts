// The trade messages' part of /api/v1/openapi.json (docs/TRADE.md "Messages: the service"):
// the conversation of an order, sample request or dispute, its read mark, its export page and
// the caller's unread counts. Bodies are messages.ts's own zod schemas.
import {
	errorResponse,
	jsonBody,
	jsonResponse,
	queryParam,
	schemaRef,
	toSchema,
	type Json,
	type OpenApiPart
} from '../openapi';
import { CONVERSATION_KINDS, MarkReadInput, PostMessageInput } from './messages';

const uuid = { type: 'string', format: 'uuid' } as const;
const hash = { type: 'string', pattern: '^([0-9a-f]{64})?$' } as const;
const obj = (properties: Json, required: string[] = Object.keys(properties)): Json => ({
	type: 'object',
	required,
	properties
});
const party = { enum: ['buyer', 'supplier', 'operator', 'system'] };
const subjectParams = [
	{ name: 'kind', in: 'path', required: true, schema: { enum: [...CONVERSATION_KINDS] } },
	{ name: 'id', in: 'path', required: true, schema: uuid }
];
const base = {
	'400': errorResponse('Invalid input (field named)'),
	'401': errorResponse('Not signed in (session or Bearer token)'),
	'404': errorResponse(
		'Unknown subject, or not a party of it (no hint that it exists): only the buyer organisation, the supplier and operators'
	)
};

export function tradeMessagesOpenApi(): OpenApiPart {
	const schemas: Json = {
		TradeConversation: obj({
			id: uuid,
			kind: { enum: [...CONVERSATION_KINDS] },
			subjectId: uuid,
			side: { enum: ['buyer', 'supplier', 'operator'] },
			canSend: { type: 'boolean' },
			lastSeq: { type: 'integer', minimum: 0 },
			headHash: hash,
			readSeq: { type: 'integer', minimum: 0 }
		}),
		TradeMessage: obj({
			seq: { type: 'integer', minimum: 1 },
			party,
			senderUserId: { anyOf: [uuid, { type: 'null' }] },
			mine: { type: 'boolean' },
			body: { type: 'string' },
			attachments: {
				type: 'array',
				items: obj({
					key: { type: 'string' },
					kind: { enum: ['photo', 'video', 'file'] },
					name: { type: 'string' },
					bytes: { type: 'integer' },
					url: { type: 'string' }
				})
			},
			prevHash: hash,
			hash,
			at: { type: 'string', format: 'date-time' }
		}),
		TradeMessageInput: toSchema(PostMessageInput),
		TradeMessageRead: toSchema(MarkReadInput)
	};
	const conversation = (description: string, extra: Json = {}) =>
		jsonResponse(
			description,
			obj({
				conversation: schemaRef('TradeConversation'),
				...extra
			})
		);
	const paths: Json = {
		'/api/v1/trade/conversations/{kind}/{id}/messages': {
			parameters: subjectParams,
			get: {
				summary:
					'The conversation of an order, sample request or dispute (created on first use) and its messages after seq ?after=, in order',
				parameters: [queryParam('after', { type: 'integer', minimum: 0 }, 'Last seq already held')],
				responses: {
					'200': conversation('Conversation and messages', {
						messages: { type: 'array', items: schemaRef('TradeMessage') }
					}),
					...base
				}
			},
			post: {
				summary:
					'Send a message: text and/or completed uploads (purpose message_attachment, refId = conversation id). Appended to the hash chain; nothing written on any refusal.',
				requestBody: jsonBody(schemaRef('TradeMessageInput')),
				responses: {
					'201': conversation('The message as stored', { message: schemaRef('TradeMessage') }),
					...base,
					'403': errorResponse('wrong_actor: operators only write in a dispute’s conversation'),
					'422': errorResponse('upload_incomplete: an attachment’s upload is not finished')
				}
			}
		},
		'/api/v1/trade/conversations/{kind}/{id}/read': {
			parameters: subjectParams,
			post: {
				summary: 'Read up to seq (never moves back; capped at the last message)',
				requestBody: jsonBody(schemaRef('TradeMessageRead')),
				responses: {
					'200': jsonResponse(
						'The read mark',
						obj({ conversationId: uuid, readSeq: { type: 'integer', minimum: 0 } })
					),
					...base,
					'403': errorResponse('An API token has no user to mark for')
				}
			}
		},
		'/api/v1/trade/conversations/{kind}/{id}/export': {
			parameters: subjectParams,
			get: {
				summary:
					'The whole record as a printable HTML page (save as PDF for an evidence bundle): every message with seq, time, author, hash and previous hash, and the chain check',
				responses: {
					'200': {
						description: 'HTML page',
						content: { 'text/html': { schema: { type: 'string' } } }
					},
					...base
				}
			}
		},
		'/api/v1/trade/conversations/unread': {
			get: {
				summary:
					'The caller’s unread messages per conversation (the other side’s; operators: disputes’)',
				responses: {
					'200': jsonResponse(
						'Unread counts',
						obj({
							total: { type: 'integer', minimum: 0 },
							conversations: {
								type: 'array',
								items: obj({
									id: uuid,
									kind: { enum: [...CONVERSATION_KINDS] },
									subjectId: uuid,
									lastSeq: { type: 'integer' },
									unread: { type: 'integer' },
									lastAt: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] }
								})
							}
						})
					),
					'401': base['401']
				}
			}
		}
	};
	return { schemas, paths };
}
