// The samples part of the trade module's OpenAPI (issue 19): /api/v1/trade/samples…
import { SAMPLE_STATES } from '$lib/domain/trade/samples';
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
import { SampleRequestInput, SampleReviewInput, SampleShipInput } from './samples';

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = (s: Json) => ({ anyOf: [s, { type: 'null' }] });
const fen = { type: 'integer', description: 'Integer fen (¥1 = 100)' };
const str = { type: 'string' };

export function sampleOpenApi(): OpenApiPart {
	const schemas: Json = {
		TradeSampleRequest: toSchema(SampleRequestInput),
		TradeSampleShip: toSchema(SampleShipInput),
		TradeSampleReview: toSchema(SampleReviewInput),
		TradeSample: {
			type: 'object',
			properties: {
				id: uuid,
				number: { type: 'integer' },
				lotId: uuid,
				lotTitle: str,
				buyerOrgId: uuid,
				supplierId: uuid,
				state: { enum: [...SAMPLE_STATES] },
				pieces: { type: 'integer', minimum: 1 },
				priceFen: fen,
				feeFen: fen,
				carrier: nullable(str),
				trackingNo: nullable(str),
				rejectReason: nullable(str),
				reviewPhotos: { type: 'array', items: str },
				tags: {
					type: 'array',
					items: {
						type: 'object',
						properties: {
							number: {
								type: 'string',
								pattern: '^YP\\d{10}$',
								description: 'YP + 9 digits + Luhn'
							},
							piece: { type: 'integer' },
							photos: { type: 'array', items: str }
						}
					}
				},
				dueAt: nullable(dateTime),
				createdAt: dateTime,
				approvedAt: nullable(dateTime),
				creditUsedBy: nullable(uuid),
				creditExpiresAt: nullable(dateTime),
				sealed: nullable({
					type: 'object',
					description: 'The sealed reference (frozen at approval): tags, photos, grade, spec, title'
				})
			}
		}
	};
	const one = jsonResponse('The sample request', {
		type: 'object',
		properties: { sample: schemaRef('TradeSample') }
	});
	const notYours = errorResponse('Unknown sample request, or someone else’s');
	const state = errorResponse('trade_state / deadline_passed: not possible now');
	const step = (summary: string, body?: string, extra: Json = {}) => ({
		parameters: [uuidParam('id')],
		post: {
			summary,
			...(body ? { requestBody: jsonBody(schemaRef(body)) } : {}),
			responses: { '200': one, ...commonErrors(), '404': notYours, '409': state, ...extra }
		}
	});
	const paths: Json = {
		'/api/v1/trade/samples': {
			get: {
				summary: 'The caller’s sample requests (buyer org’s, supplier org’s; operators: all)',
				responses: {
					'200': jsonResponse('Sample requests', {
						type: 'object',
						properties: { samples: { type: 'array', items: schemaRef('TradeSample') } }
					}),
					...commonErrors()
				}
			},
			post: {
				summary:
					'Request samples of a lot (buyers): pending payment, fee = price × pieces. Nothing is written on any refusal.',
				requestBody: jsonBody(schemaRef('TradeSampleRequest')),
				responses: {
					'201': jsonResponse('The new request', {
						type: 'object',
						properties: { sample: schemaRef('TradeSample') }
					}),
					...commonErrors('Buyers only'),
					'422': errorResponse(
						'samples_disabled (field lotId), pieces (field pieces, params minimum/maximum), open_request (field lotId)'
					)
				}
			}
		},
		'/api/v1/trade/samples/{id}': {
			parameters: [uuidParam('id')],
			get: {
				summary: 'One sample request with its tags and sealed reference',
				responses: { '200': one, ...commonErrors(), '404': notYours }
			}
		},
		'/api/v1/trade/samples/{id}/pay': step(
			'Operators confirm the sample fee’s payment (into escrow)'
		),
		'/api/v1/trade/samples/{id}/tags': step(
			'The supplier has a platform tag issued for each piece (idempotent; after payment)'
		),
		'/api/v1/trade/samples/{id}/ship': step(
			'The supplier ships the tagged pieces (within the ship SLA)',
			'TradeSampleShip',
			{ '422': errorResponse('untagged (field tags): a piece has no tag yet') }
		),
		'/api/v1/trade/samples/{id}/deliver': step('The buyer (or an operator) records delivery'),
		'/api/v1/trade/samples/{id}/review': step(
			'The buyer approves (seals the reference) or rejects with a reason, within the review window',
			'TradeSampleReview'
		)
	};
	return { schemas, paths };
}
