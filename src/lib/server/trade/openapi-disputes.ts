// The disputes part of the trade module's OpenAPI (docs/TRADE.md "Disputes: the service"):
// filing, the list / arbitration queue, one dispute, and its steps. Bodies are dispute-api.ts's
// zod schemas.
import { DISPUTE_STATES } from '$lib/domain/trade/dispute';
import {
	commonErrors,
	errorResponse,
	jsonBody,
	jsonResponse,
	schemaRef,
	toSchema,
	uuidParam,
	type Json,
	type OpenApiPart
} from '../openapi';
import {
	AddEvidenceInput,
	DisputeAnswerInput,
	DisputeReturnShipInput,
	DisputeRulingInput,
	FileDisputeInput
} from './dispute-api';

const dispute: Json = {
	type: 'object',
	required: ['id', 'orderId', 'state', 'remedy', 'frozenFen', 'askedRefundFen', 'dueAt'],
	properties: {
		id: { type: 'string', format: 'uuid' },
		orderId: { type: 'string', format: 'uuid' },
		state: { enum: [...DISPUTE_STATES] },
		remedy: { enum: ['partial_refund', 'return_and_refund', 'exchange'] },
		frozenFen: { type: 'integer', description: 'Escrow frozen for the disputed lines (fen)' },
		askedRefundFen: { type: 'integer' },
		counterFen: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
		dueAt: {
			anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
			description: 'The running state’s deadline (the ruling deadline when escalated)'
		},
		outcomeKind: { anyOf: [{ type: 'string' }, { type: 'null' }] },
		outcomeRefundFen: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
		outcomeReleaseFen: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
		description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
		version: { type: 'integer', description: 'Bumped on every step and evidence added' }
	}
};

const evidence: Json = {
	type: 'object',
	required: ['id', 'kind', 'name', 'url', 'bytes', 'mime', 'party', 'at'],
	properties: {
		id: { type: 'string', format: 'uuid' },
		kind: { enum: ['photo', 'video', 'pdf'] },
		name: { type: 'string', description: 'The file’s name on the adder’s device' },
		url: {
			type: 'string',
			description: '/media/trade/disputes/<order>/…: the order’s parties and operators only'
		},
		bytes: { type: 'integer' },
		mime: { type: 'string' },
		party: { enum: ['buyer', 'supplier'] },
		at: { type: 'string', format: 'date-time' }
	}
};

const one = (description: string) =>
	jsonResponse(description, {
		type: 'object',
		required: ['dispute'],
		properties: { dispute: schemaRef('TradeDispute') }
	});

function step(summary: string, body: string | null, forbidden: string): Json {
	return {
		parameters: [uuidParam('id')],
		post: {
			summary,
			...(body ? { requestBody: jsonBody(schemaRef(body)) } : {}),
			responses: {
				'200': one('The dispute after the step'),
				...commonErrors(forbidden),
				'404': errorResponse('Unknown dispute, or not the caller’s'),
				'409': errorResponse('Not allowed in this state, or its deadline has passed'),
				'422': errorResponse('Amount outside 1 fen … the frozen amount')
			}
		}
	};
}

export function disputesOpenApi(): OpenApiPart {
	return {
		schemas: {
			TradeDispute: dispute,
			TradeDisputeEvidence: evidence,
			TradeDisputeEvidenceAdd: toSchema(AddEvidenceInput),
			TradeDisputeFile: toSchema(FileDisputeInput),
			TradeDisputeAnswer: toSchema(DisputeAnswerInput),
			TradeDisputeRuling: toSchema(DisputeRulingInput),
			TradeDisputeReturnShip: toSchema(DisputeReturnShipInput)
		},
		paths: {
			'/api/v1/trade/disputes': {
				get: {
					summary:
						'The caller’s disputes, nearest deadline first (every dispute for operators: the arbitration queue)',
					responses: {
						'200': jsonResponse('Disputes', {
							type: 'object',
							required: ['disputes'],
							properties: { disputes: { type: 'array', items: schemaRef('TradeDispute') } }
						}),
						'401': errorResponse('Not signed in')
					}
				},
				post: {
					summary:
						'The buyer files a dispute within the inspection window: a line manifest and the remedy asked; only the disputed lines stay in escrow',
					requestBody: jsonBody(schemaRef('TradeDisputeFile')),
					responses: {
						'201': one('The dispute, awaiting the supplier’s answer'),
						...commonErrors('Only the order’s buyer files'),
						'404': errorResponse('Unknown order, or not the caller’s'),
						'409': errorResponse('The order is not in a state that can be disputed'),
						'422': errorResponse(
							'The inspection window has closed (field orderId); an evidence upload unfinished, unknown or not the caller’s (field evidence.<i>.uploadId): nothing is written'
						)
					}
				}
			},
			'/api/v1/trade/disputes/{id}': {
				parameters: [uuidParam('id')],
				get: {
					summary:
						'One dispute with its manifest, evidence and ledger effect (money: the order’s escrow postings; the parties and operators)',
					responses: {
						'200': jsonResponse('The dispute', {
							type: 'object',
							required: ['dispute', 'lines', 'evidence', 'side', 'orderNumber', 'money'],
							properties: {
								dispute: schemaRef('TradeDispute'),
								lines: { type: 'array', items: { type: 'object' } },
								evidence: { type: 'array', items: schemaRef('TradeDisputeEvidence') },
								side: { enum: ['buyer', 'supplier', 'operator'] },
								orderNumber: { type: 'integer' },
								money: {
									type: 'object',
									description:
										'The order’s escrow in the ledger: paidInFen, heldFen, releasedFen, supplierFen, feeFen, refundedFen and every transaction with its entries'
								}
							}
						}),
						'401': errorResponse('Not signed in'),
						'404': errorResponse('Unknown dispute, or not the caller’s')
					}
				}
			},
			'/api/v1/trade/disputes/{id}/evidence': {
				parameters: [uuidParam('id')],
				post: {
					summary:
						'Either party adds evidence while the dispute is open: finished uploads (purpose dispute_evidence, refId the order), all or nothing',
					requestBody: jsonBody(schemaRef('TradeDisputeEvidenceAdd')),
					responses: {
						'201': jsonResponse('The dispute (new version) and the evidence added', {
							type: 'object',
							required: ['dispute', 'evidence'],
							properties: {
								dispute: schemaRef('TradeDispute'),
								evidence: { type: 'array', items: schemaRef('TradeDisputeEvidence') }
							}
						}),
						...commonErrors('Operators rule but add no evidence'),
						'404': errorResponse('Unknown dispute, or not the caller’s'),
						'409': errorResponse('The dispute is closed'),
						'422': errorResponse(
							'An upload unfinished, unknown, not the caller’s or already evidence (field evidence.<i>.uploadId); more than the policy’s files (field evidence)'
						)
					}
				}
			},
			'/api/v1/trade/disputes/{id}/answer': step(
				'Supplier: accept, reject, or counter-offer a partial refund (within 48 h)',
				'TradeDisputeAnswer',
				'Supplier only'
			),
			'/api/v1/trade/disputes/{id}/accept-counter': step(
				'Buyer: take the supplier’s counter-offer',
				null,
				'Buyer only'
			),
			'/api/v1/trade/disputes/{id}/escalate': step(
				'Either side: escalate to platform arbitration',
				null,
				'Parties only'
			),
			'/api/v1/trade/disputes/{id}/withdraw': step(
				'Buyer: withdraw the dispute (the frozen escrow releases)',
				null,
				'Buyer only'
			),
			'/api/v1/trade/disputes/{id}/rule': step(
				'Operator: rule (release, partial refund, return and refund, exchange) with a written reason',
				'TradeDisputeRuling',
				'Operators only'
			),
			'/api/v1/trade/disputes/{id}/return-ship': step(
				'Buyer: the returned goods are shipped back (carrier + tracking number)',
				'TradeDisputeReturnShip',
				'Buyer only'
			),
			'/api/v1/trade/disputes/{id}/return-received': step(
				'Supplier or operator: the returned goods arrived (the refund posts)',
				null,
				'Supplier or operator only'
			)
		}
	};
}
