import { errorResponse, toSchema, type Json, type OpenApiPart } from '../openapi';
import { ClaimInput, OrderInput, RefundLineInput, TransitionInput } from './schemas';
import { RateInput } from './freight';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: Json) => ({
	required: true,
	content: { 'application/json': { schema } }
});
const ok = (description: string, schema: Json) => ({
	description,
	content: { 'application/json': { schema } }
});
const idParam = (name = 'id') => ({
	name,
	in: 'path',
	required: true,
	schema: { type: 'string', format: 'uuid' }
});

/** Schemas and paths of the orders API, merged into /api/v1/openapi.json. */
export function ordersOpenApi(): OpenApiPart {
	return {
		schemas: {
			OrderCreate: toSchema(OrderInput),
			FulfilmentTransition: toSchema(TransitionInput),
			DefectClaim: toSchema(ClaimInput),
			Fulfilment: {
				type: 'object',
				description:
					'What one supplier ships from one warehouse for an order. status: pending, accepted, packed, shipped, delivered, returned, cancelled, out_of_stock, address_problem.',
				properties: {
					id: { type: 'string', format: 'uuid' },
					number: { type: 'integer' },
					orderId: { type: 'string', format: 'uuid' },
					supplierId: { type: 'string', format: 'uuid' },
					status: { type: 'string' },
					packaging: { type: 'array', items: { enum: ['relabel_live', 'remove_logo', 'repack'] } },
					shipTo: { type: 'object' },
					carrier: { type: ['string', 'null'] },
					trackingNo: { type: ['string', 'null'] },
					sla: {
						type: 'object',
						properties: { state: { type: 'string' }, deadline: { type: ['string', 'null'] } }
					},
					freight: { type: ['object', 'null'], description: 'partnerFen, marketFen, savingFen' },
					lines: { type: 'array', items: { type: 'object' } },
					actions: {
						type: 'array',
						items: { type: 'string' },
						description: 'What the caller may do now'
					}
				}
			},
			Order: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					externalId: { type: 'string' },
					showId: { type: 'string', format: 'uuid' },
					totalFen: { type: 'integer' },
					paidAt: { type: 'string', format: 'date-time' },
					fulfilments: { type: 'array', items: ref('Fulfilment') }
				}
			}
		},
		paths: {
			'/api/v1/orders': {
				post: {
					summary:
						'A consumer order from a live show (host team API token). Idempotent on externalId. unitPrice is integer fen.',
					requestBody: body(ref('OrderCreate')),
					responses: {
						'201': ok('Created', {
							type: 'object',
							properties: { order: ref('Order'), created: { const: true } }
						}),
						'200': ok('A repeat of an earlier externalId: the same order', {
							type: 'object',
							properties: { order: ref('Order'), created: { const: false } }
						}),
						'400': errorResponse('Invalid input (field named, e.g. lines.0.quantity)'),
						'403': errorResponse('Not this show’s host team'),
						'404': errorResponse('Unknown show or lot'),
						'409': errorResponse(
							'insufficient_stock (with available): a line is beyond the show’s locks; nothing written'
						),
						'422': errorResponse('lot_unavailable, dropship_not_allowed')
					}
				}
			},
			'/api/v1/orders/{id}': {
				parameters: [idParam()],
				get: {
					summary: 'An order (its host team, operators)',
					responses: {
						'200': ok('The order', { type: 'object', properties: { order: ref('Order') } }),
						'404': errorResponse('Unknown')
					}
				}
			},
			'/api/v1/fulfilments': {
				get: {
					summary: 'The calling supplier’s fulfilment queue',
					parameters: [
						{
							name: 'status',
							in: 'query',
							schema: {
								enum: [
									'open',
									'all',
									'pending',
									'accepted',
									'packed',
									'shipped',
									'delivered',
									'exceptions',
									'closed'
								]
							}
						}
					],
					responses: {
						'200': ok('Fulfilments', {
							type: 'object',
							properties: { fulfilments: { type: 'array', items: ref('Fulfilment') } }
						}),
						'403': errorResponse('Not a supplier')
					}
				}
			},
			'/api/v1/fulfilments/{id}': {
				parameters: [idParam()],
				get: {
					summary: 'One fulfilment (its supplier, its host team, operators)',
					responses: {
						'200': ok('The fulfilment', {
							type: 'object',
							properties: { fulfilment: ref('Fulfilment') }
						}),
						'404': errorResponse('Unknown or not yours')
					}
				}
			},
			'/api/v1/fulfilments/{id}/transitions': {
				parameters: [idParam()],
				post: {
					summary:
						'Move a fulfilment: accept, pack, ship (carrier, trackingNo), deliver, return, cancel, out_of_stock, address_problem, address_fixed (shipTo)',
					requestBody: body(ref('FulfilmentTransition')),
					responses: {
						'200': ok('The moved fulfilment', {
							type: 'object',
							properties: { fulfilment: ref('Fulfilment') }
						}),
						'400': errorResponse('Invalid input (e.g. carrier missing for ship)'),
						'403': errorResponse('The other party’s action'),
						'404': errorResponse('Unknown or not yours'),
						'422': errorResponse('illegal_transition (from, action), return window closed')
					}
				}
			},
			'/api/v1/fulfilments/{id}/claims': {
				parameters: [idParam()],
				post: {
					summary:
						'A severe-defect claim (host team); 3+ pieces with photos → replacement due in 24 h, freight charged to the supplier',
					requestBody: body(ref('DefectClaim')),
					responses: {
						'201': ok('Claim and replacement (or null)', { type: 'object' }),
						'409': errorResponse('insufficient_stock for the replacement'),
						'422': errorResponse('Not delivered')
					}
				}
			},
			'/api/v1/fulfilments/bulk-ship': {
				post: {
					summary:
						'Mark fulfilments shipped from a CSV/XLSX (number, carrier, tracking); each row on its own, reported per row',
					responses: {
						'200': ok('Report', { type: 'object' }),
						'422': errorResponse('No row could be shipped')
					}
				}
			},
			'/api/v1/shows/{id}/orders': {
				parameters: [idParam()],
				get: {
					summary: 'Every order of a show by fulfilment with status and SLA',
					responses: { '200': ok('Show orders', { type: 'object' }) }
				},
				post: {
					summary: 'An order entered in the console (same body as POST /api/v1/orders)',
					requestBody: body(ref('OrderCreate')),
					responses: { '201': ok('Created', { type: 'object' }) }
				}
			},
			'/api/v1/shows/{id}/orders/import': {
				parameters: [idParam()],
				post: {
					summary: 'Orders from CSV/XLSX, one row per line; an invalid sheet places nothing',
					responses: {
						'200': ok('Per-order results', { type: 'object' }),
						'422': ok('Errors per row and column', { type: 'object' })
					}
				}
			},
			'/api/v1/freight/quote': {
				get: {
					summary: 'Partner vs market freight for a route',
					parameters: [
						{
							name: 'origin',
							in: 'query',
							required: true,
							schema: { type: 'string' },
							examples: { gd: { value: '广东省' } }
						},
						{ name: 'dest', in: 'query', required: true, schema: { type: 'string' } },
						{ name: 'pieces', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } }
					],
					responses: { '200': ok('Quote or null', { type: 'object' }) }
				}
			},
			'/api/v1/freight/rates': {
				get: {
					summary: 'Partner freight rate tiers per route',
					responses: { '200': ok('{rates}', { type: 'object' }) }
				},
				put: {
					summary: 'Add or replace one rate tier of a route (operators)',
					requestBody: body(toSchema(RateInput)),
					responses: {
						'200': ok('{rate}', { type: 'object' }),
						'400': errorResponse('Invalid input (field named)'),
						'403': errorResponse('Operators only')
					}
				}
			},
			'/api/v1/fulfilments/{id}/history': {
				parameters: [idParam()],
				get: {
					summary: 'Every status change of a fulfilment: who, when, from, to',
					responses: {
						'200': ok('{events}', { type: 'object' }),
						'403': errorResponse('Not this fulfilment’s supplier, host team or an operator'),
						'404': errorResponse('Unknown fulfilment')
					}
				}
			},
			'/api/v1/fulfilments/{id}/refunds': {
				parameters: [idParam()],
				post: {
					summary:
						'Partial refund of one line (host team); the commission shrinks in proportion, clawed back after settlement',
					requestBody: body(toSchema(RefundLineInput)),
					responses: {
						'201': ok('{fulfilment}', ref('Fulfilment')),
						'400': errorResponse('Invalid input (field named)'),
						'403': errorResponse('Not this order’s host team'),
						'404': errorResponse('Unknown fulfilment or line'),
						'422': errorResponse('Refund above what the line has left')
					}
				}
			}
		}
	};
}
