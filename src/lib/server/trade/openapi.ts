// The wholesale trade module's part of /api/v1/openapi.json (docs/TRADE.md): the cart,
// checkout into escrow, the order's steps for each side, sampling inspection, the operator's bank
// transfer confirmation and the carrier's push. Bodies are the services' own zod schemas where
// they export them (schemas.ts, lifecycle.ts); the query and header rules are api.ts's.
import { PACKAGING_OPTIONS } from '$lib/domain/trade/policy';
import { TRADE_ACTIONS, TRADE_ORDER_STATES, TIMERS } from '$lib/domain/trade/order-state';
import {
	errorResponse,
	jsonBody,
	jsonResponse,
	queryParam,
	schemaRef,
	toSchema,
	uuidParam,
	type Json,
	type OpenApiPart
} from '../openapi';
import { creditOpenApi } from './credit-openapi';
import { INSPECTION_PHOTO_MAX_BYTES, ORDER_LIST_STATES } from './api';
import { tradeMessagesOpenApi } from './openapi-messages';
import { ShipInput } from './lifecycle';
import { sampleOpenApi } from './openapi-samples';
import { disputesOpenApi } from './openapi-disputes';
import { replacementsOpenApi } from './openapi-replacements';
import { CartLineInput, CheckoutInput, ConfirmTransferInput, TradeShipToInput } from './schemas';

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = (s: Json) => ({ anyOf: [s, { type: 'null' }] });
const fen = (description?: string) => ({
	type: 'integer',
	...(description ? { description } : { description: 'Integer fen (¥1 = 100)' })
});
const obj = (properties: Json, required: string[] = Object.keys(properties)): Json => ({
	type: 'object',
	required,
	properties
});
const place = obj({ province: { type: 'string' }, city: { type: 'string' } });
const packaging = { type: 'array', items: { enum: [...PACKAGING_OPTIONS] }, maxItems: 3 };

/** An error body as a worked example (the shape of every refusal). */
const example = (code: string, message: string, field?: string, extra: Json = {}): Json => ({
	error: { code, message, ...(field !== undefined ? { field } : {}), ...extra }
});
const errorWith = (description: string, examples: Record<string, Json>) => ({
	description,
	content: {
		'application/json': {
			schema: schemaRef('Error'),
			examples: Object.fromEntries(
				Object.entries(examples).map(([k, v]) => [k, { value: v }] as const)
			)
		}
	}
});

const notYours = errorWith('Unknown order, or someone else’s (no hint that it exists)', {
	not_found: example('not_found', 'Order not found.')
});
const stateRefusal = errorWith(
	'trade_state: not possible in the order’s state (params state, action); deadline_passed: its timer ran out',
	{
		trade_state: example('trade_state', 'Not possible while the order is paid.', undefined),
		deadline_passed: example('deadline_passed', 'The deadline for this step has passed.')
	}
);
const base = {
	'400': errorResponse('Invalid input (field named)'),
	'401': errorResponse('Not signed in (session or Bearer token)'),
	'403': errorResponse('Not this side’s step (e.g. a buyer calling a supplier action)')
};
const orderResponse = (description: string) =>
	jsonResponse(description, obj({ order: schemaRef('TradeOrder') }));

/** A step on an order: POST /api/v1/trade/orders/{id}/<step>. */
const step = (summary: string, body?: Json): Json => ({
	parameters: [uuidParam()],
	post: {
		summary,
		...(body ? { requestBody: jsonBody(body) } : {}),
		responses: {
			'200': orderResponse('The order after the step'),
			...base,
			'404': notYours,
			'409': stateRefusal,
			...(body ? { '422': errorResponse('A rule of the step (field named)') } : {})
		}
	}
});

export function tradeOpenApi(): OpenApiPart {
	const problem = obj(
		{
			field: { type: 'string', examples: ['lines.0.quantity'] },
			code: { type: 'string', examples: ['moq', 'step', 'mixed_batch_min'] },
			message: { type: 'string' },
			params: { type: 'object' }
		},
		['field', 'code', 'message']
	);
	const cartLine = obj({
		lotId: uuid,
		title: { type: 'string' },
		grade: { enum: ['A', 'B', 'C'] },
		supplierId: uuid,
		supplierName: { type: 'string' },
		warehouse: place,
		coverUrl: nullable({ type: 'string' }),
		quantity: { type: 'integer' },
		moq: { type: 'integer' },
		step: { type: 'integer' },
		available: { type: 'integer', description: 'Free stock now' },
		unitPriceFen: fen(),
		tagPriceFen: fen(),
		priceBreaks: {
			type: 'array',
			items: obj({ minQuantity: { type: 'integer' }, unitPriceFen: fen() })
		},
		packaging,
		goodsFen: fen(),
		packagingFen: fen(),
		lineFen: fen()
	});
	const cartGroup = obj({
		supplierId: uuid,
		supplierName: { type: 'string' },
		warehouse: place,
		pieces: { type: 'integer' },
		mixedBatchMin: { type: 'integer', description: 'Policy: mixed-batch minimum per supplier' },
		goodsFen: fen(),
		packagingFen: fen(),
		freight: nullable(obj({ partnerFen: fen(), marketFen: fen(), carrier: { type: 'string' } })),
		totalFen: fen()
	});
	const payment = obj({
		intentId: uuid,
		provider: { enum: ['bank_transfer', 'test'] },
		status: { enum: ['created', 'pending', 'confirmed', 'failed', 'cancelled'] },
		amountFen: fen(),
		instructions: {
			type: 'object',
			additionalProperties: { type: 'string' },
			description: 'Bank transfer: account, bank, memo (the order number)'
		},
		expiresAt: nullable(dateTime)
	});
	const orderProps: Json = {
		id: uuid,
		number: { type: 'integer' },
		checkoutId: uuid,
		state: { enum: [...TRADE_ORDER_STATES] },
		version: { type: 'integer', description: 'Bumped on every change' },
		buyerOrgId: uuid,
		buyerName: { type: 'string' },
		supplierId: uuid,
		supplierName: { type: 'string' },
		warehouse: place,
		shipTo: schemaRef('TradeShipTo'),
		goodsFen: fen(),
		packagingFen: fen(),
		freightFen: fen('Partner freight rate, integer fen'),
		freightMarketFen: fen('Market freight rate, integer fen'),
		creditFen: fen('Sample fee credited, integer fen'),
		totalFen: fen('goods + packaging + freight − credit, integer fen'),
		feeBp: { type: 'integer', description: 'Wholesale fee in basis points (300 = 3%)' },
		createdAt: dateTime,
		paidAt: nullable(dateTime),
		acceptedAt: nullable(dateTime),
		packedAt: nullable(dateTime),
		shippedAt: nullable(dateTime),
		arrivedAt: nullable(dateTime),
		acceptedByBuyerAt: nullable(dateTime),
		releasedAt: nullable(dateTime),
		closedAt: nullable(dateTime),
		timer: nullable({ enum: [...TIMERS] }),
		dueAt: nullable(dateTime),
		payment: nullable(payment),
		actions: {
			type: 'array',
			items: { enum: [...TRADE_ACTIONS] },
			description: 'What the caller’s side may do now'
		}
	};
	const line = obj({
		id: uuid,
		lotId: uuid,
		title: { type: 'string' },
		grade: { enum: ['A', 'B', 'C'] },
		quantity: { type: 'integer' },
		unitPriceFen: fen(),
		goodsFen: fen(),
		packaging,
		packagingFen: fen(),
		creditFen: fen(),
		lineFen: fen(),
		piecesPerCarton: { type: 'integer' }
	});
	const parcel = obj({
		id: uuid,
		carrier: { type: 'string' },
		trackingNo: { type: 'string' },
		cartons: { type: 'integer' },
		shippedAt: dateTime,
		deliveredAt: nullable(dateTime)
	});
	const event = obj({
		from: nullable({ enum: [...TRADE_ORDER_STATES] }),
		to: { enum: [...TRADE_ORDER_STATES] },
		action: { type: 'string' },
		actor: { enum: ['buyer', 'supplier', 'operator', 'system'] },
		note: nullable({ type: 'string' }),
		at: dateTime
	});
	const photo = obj({ key: { type: 'string' }, url: { type: 'string' } });
	const result = { enum: ['pass', 'minor', 'severe'] };

	const schemas: Json = {
		TradeShipTo: toSchema(TradeShipToInput),
		TradeCartLineInput: toSchema(CartLineInput),
		TradeCheckout: toSchema(CheckoutInput),
		TradeShip: toSchema(ShipInput),
		TradeInspectionRecord: {
			type: 'object',
			required: ['items'],
			additionalProperties: false,
			properties: {
				items: {
					type: 'array',
					items: {
						type: 'object',
						required: ['lineId', 'piece', 'result'],
						properties: {
							lineId: uuid,
							piece: { type: 'integer', minimum: 0, description: 'A drawn piece number' },
							result,
							note: { type: 'string' },
							photos: {
								type: 'array',
								items: { type: 'string' },
								description: 'Keys from POST …/inspection/photos'
							}
						}
					}
				},
				videoUploadId: {
					...uuid,
					description: 'A completed resumable upload (purpose inspection_video, refId the order)'
				}
			}
		},
		TradeBankTransferConfirm: toSchema(ConfirmTransferInput),
		TradeCarrierPush: {
			type: 'object',
			required: ['sign', 'param'],
			description:
				'快递100 subscription push: param is the JSON document {status, message, lastResult:{state, ischeck, com, nu, data}}; sign = upper-case MD5 of param + the subscription salt',
			properties: {
				sign: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
				param: { type: 'string' }
			}
		},
		TradeCart: obj({
			lines: { type: 'array', items: cartLine },
			groups: { type: 'array', items: cartGroup },
			problems: {
				type: 'array',
				items: problem,
				description: 'Every problem at once; checkout is refused while not empty'
			},
			destProvince: nullable({ type: 'string' }),
			goodsFen: fen(),
			packagingFen: fen(),
			freightFen: fen(),
			totalFen: fen(),
			updatedAt: dateTime
		}),
		TradeOrderSummary: {
			type: 'object',
			properties: {
				...orderProps,
				pieces: { type: 'integer' },
				lineCount: { type: 'integer' }
			}
		},
		TradeOrder: {
			type: 'object',
			properties: {
				...orderProps,
				lines: { type: 'array', items: line },
				parcels: { type: 'array', items: parcel },
				replacements: { type: 'array', items: schemaRef('TradeReplacement') },
				events: { type: 'array', items: event }
			}
		},
		TradeInspection: obj({
			orderId: uuid,
			samplingBp: { type: 'integer', description: '3000 = 30% of each line' },
			startedAt: dateTime,
			submittedAt: nullable(dateTime),
			lines: {
				type: 'array',
				items: obj({
					lineId: uuid,
					title: { type: 'string' },
					grade: { enum: ['A', 'B', 'C'] },
					quantity: { type: 'integer' },
					sampleSize: { type: 'integer' },
					pieces: {
						type: 'array',
						items: obj({
							lineId: uuid,
							piece: { type: 'integer' },
							carton: { type: 'integer' },
							position: { type: 'integer' },
							result: nullable(result),
							photos: { type: 'array', items: photo },
							note: { type: 'string' }
						})
					}
				})
			},
			video: nullable(photo),
			verdicts: {
				type: 'array',
				items: obj({
					lineId: uuid,
					inspected: { type: 'integer' },
					minor: { type: 'integer' },
					severe: { type: 'integer' },
					defectBp: { type: 'integer' },
					severeBp: { type: 'integer' },
					allowedDefectBp: { type: 'integer' },
					allowedSevereBp: { type: 'integer' },
					withinAllowance: { type: 'boolean' }
				})
			},
			severePieces: { type: 'integer' },
			replacementDueAt: nullable(dateTime),
			windowEndsAt: nullable(dateTime)
		})
	};

	const cartResponse = jsonResponse('The cart', obj({ cart: schemaRef('TradeCart') }));
	const cartRefusals = {
		...base,
		'404': errorResponse('Unknown lot'),
		'422': errorWith('A rule of the line', {
			moq: example('moq', 'At least 500 pieces of this lot (MOQ).', 'quantity', {
				issues: []
			}),
			blocked: example('lot_unavailable', 'This lot cannot be bought now.', 'lotId')
		})
	};

	const paths: Json = {
		'/api/v1/trade/cart': {
			get: {
				summary: 'The buyer organisation’s cart, priced, with every problem and freight quotes',
				parameters: [
					queryParam('destProvince', { type: 'string', maxLength: 40 }, 'Quote freight to')
				],
				responses: { '200': cartResponse, ...base }
			},
			put: {
				summary: 'Add or replace one line (buyers)',
				requestBody: jsonBody(schemaRef('TradeCartLineInput')),
				responses: { '200': cartResponse, ...cartRefusals }
			},
			delete: {
				summary: 'Remove the line of ?lotId= (buyers)',
				parameters: [{ ...queryParam('lotId', uuid), required: true }],
				responses: { '200': cartResponse, ...base }
			}
		},
		'/api/v1/trade/cart/lines/{lotId}': {
			parameters: [uuidParam('lotId')],
			delete: {
				summary: 'Remove one lot’s line (buyers)',
				responses: { '200': cartResponse, ...base }
			}
		},
		'/api/v1/trade/orders': {
			get: {
				summary:
					'The caller’s trade orders, newest first (buyer org’s, supplier org’s; operators: all)',
				parameters: [
					queryParam('state', { enum: [...ORDER_LIST_STATES] }),
					queryParam('before', dateTime, 'Orders created before this instant (paging)'),
					queryParam('limit', { type: 'integer', minimum: 1, maximum: 200 })
				],
				responses: {
					'200': jsonResponse(
						'Orders',
						obj({ orders: { type: 'array', items: schemaRef('TradeOrderSummary') } })
					),
					...base
				}
			},
			post: {
				summary:
					'Checkout (buyers): one order per supplier and warehouse, stock reserved, a payment intent each. Nothing is written on any refusal.',
				parameters: [
					{
						name: 'Idempotency-Key',
						in: 'header',
						required: true,
						schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
						description:
							'1–128 visible ASCII characters. A repeated key answers 200 with the same orders; the same key with another request is a 409.'
					}
				],
				requestBody: jsonBody(schemaRef('TradeCheckout')),
				responses: {
					'201': jsonResponse(
						'New orders',
						obj({
							checkoutId: uuid,
							replayed: { const: false },
							orders: { type: 'array', items: schemaRef('TradeOrder') }
						})
					),
					'200': jsonResponse(
						'A repeated Idempotency-Key: the same orders, nothing new',
						obj({
							checkoutId: uuid,
							replayed: { const: true },
							orders: { type: 'array', items: schemaRef('TradeOrder') }
						})
					),
					'400': errorWith('Invalid input or header (field named)', {
						header: example(
							'invalid_input',
							'Checkout needs an Idempotency-Key header: 1–128 visible ASCII characters.',
							'Idempotency-Key'
						)
					}),
					'401': base['401'],
					'403': errorResponse('Not a buyer'),
					'409': errorWith('Stock short, or the key was used for another request', {
						insufficient_stock: example(
							'insufficient_stock',
							'Only 120 pieces left.',
							'lines.0.quantity',
							{ available: 120 }
						),
						idempotency_mismatch: example(
							'idempotency_mismatch',
							'This Idempotency-Key was used for another request.',
							'Idempotency-Key'
						)
					}),
					'422': errorWith(
						'A line breaks a rule: below MOQ or off-step (lines.<n>.quantity with moq), blocked lot or unadmitted supplier, below the mixed-batch minimum; on credit terms (paymentMode terms): credit_none, credit_b2b_moq, credit_overdue, credit_limit (details.availableFen)',
						{
							moq: example('moq', 'At least 500 pieces of this lot (MOQ).', 'lines.0.quantity', {
								moq: 500,
								minimum: 500
							}),
							step: example('step', 'Buy in steps of 50 pieces.', 'lines.1.quantity', {
								step: 50
							}),
							blocked: example(
								'lot_unavailable',
								'This lot cannot be bought now.',
								'lines.2.lotId'
							),
							credit_limit: example(
								'credit_limit',
								'This exceeds your credit limit. Available now: ¥1200.00.',
								'paymentMode',
								{ availableFen: 120000 }
							),
							credit_overdue: example(
								'credit_overdue',
								'An invoice is overdue (due 2026-11-01). Until it is paid, pay through escrow instead.',
								'paymentMode'
							),
							credit_none: example(
								'credit_none',
								'Your company has no credit terms yet.',
								'paymentMode'
							),
							credit_b2b_moq: example(
								'credit_b2b_moq',
								'An order on credit terms needs at least 500 pieces.',
								'lines'
							)
						}
					)
				}
			}
		},
		'/api/v1/trade/orders/{id}': {
			parameters: [uuidParam()],
			get: {
				summary: 'One trade order (its buyer, its supplier, operators)',
				responses: { '200': orderResponse('The order'), ...base, '404': notYours }
			}
		},
		'/api/v1/trade/orders/{id}/accept': step('Supplier: accept a paid order (accept SLA)'),
		'/api/v1/trade/orders/{id}/pack': step('Supplier: mark an accepted order packed'),
		'/api/v1/trade/orders/{id}/ship': step(
			'Supplier: ship with carrier and tracking number, one or many parcels (ship SLA)',
			schemaRef('TradeShip')
		),
		'/api/v1/trade/orders/{id}/arrive': step(
			'Buyer: confirm arrival; the inspection window (48 h) starts'
		),
		'/api/v1/trade/orders/{id}/release': step(
			'Buyer: accept the goods; escrow releases to the supplier less the wholesale fee'
		),
		'/api/v1/trade/orders/{id}/pay': step(
			'Buyer: pay an unpaid order (the test provider confirms at once)'
		),
		'/api/v1/trade/orders/{id}/cancel': step(
			'Buyer: cancel an unpaid order; its stock goes back at once'
		),
		'/api/v1/trade/orders/{id}/inspection': {
			parameters: [uuidParam()],
			get: {
				summary: 'The sampling inspection: drawn pieces (reproducible from the order) and results',
				responses: {
					'200': jsonResponse('The inspection', obj({ inspection: schemaRef('TradeInspection') })),
					...base,
					'404': notYours,
					'409': stateRefusal
				}
			},
			post: {
				summary:
					'Buyer: no body starts the inspection (arrived → inspecting); a body records results per drawn piece',
				requestBody: {
					required: false,
					content: { 'application/json': { schema: schemaRef('TradeInspectionRecord') } }
				},
				responses: {
					'200': jsonResponse('The inspection', obj({ inspection: schemaRef('TradeInspection') })),
					...base,
					'404': notYours,
					'409': stateRefusal,
					'422': errorResponse('A piece that was not drawn, an unfinished video upload')
				}
			}
		},
		'/api/v1/trade/orders/{id}/inspection/photos': {
			parameters: [uuidParam()],
			post: {
				summary: `Buyer: one inspection photo (JPEG, PNG or WebP, sniffed; at most ${Math.floor(INSPECTION_PHOTO_MAX_BYTES / 1048576)} MB) as multipart \`file\` or the raw body`,
				requestBody: {
					required: true,
					content: {
						'multipart/form-data': {
							schema: {
								type: 'object',
								required: ['file'],
								properties: { file: { type: 'string', format: 'binary' } }
							}
						},
						'image/jpeg': { schema: { type: 'string', format: 'binary' } },
						'image/png': { schema: { type: 'string', format: 'binary' } },
						'image/webp': { schema: { type: 'string', format: 'binary' } }
					}
				},
				responses: {
					'201': jsonResponse('Stored', photo),
					...base,
					'404': notYours,
					'409': stateRefusal,
					'413': errorResponse('too_large'),
					'422': errorResponse('Not a JPEG, PNG or WebP image')
				}
			}
		},
		'/api/v1/trade/payments/{intentId}/confirm': {
			parameters: [uuidParam('intentId')],
			post: {
				summary: 'Operator: confirm a received bank transfer with the bank’s serial number',
				requestBody: jsonBody(schemaRef('TradeBankTransferConfirm')),
				responses: {
					'200': orderResponse('The order, paid'),
					...base,
					'403': errorResponse('Operators only'),
					'404': errorResponse('Unknown payment'),
					'409': stateRefusal
				}
			}
		},
		'/api/v1/trade/carrier/delivered': {
			post: {
				security: [],
				summary:
					'The carrier’s delivered push (快递100 format, signed; no session or token): marks the parcel delivered and, when all are, the order arrived',
				requestBody: {
					required: true,
					content: {
						'application/x-www-form-urlencoded': { schema: schemaRef('TradeCarrierPush') },
						'application/json': { schema: schemaRef('TradeCarrierPush') }
					}
				},
				responses: {
					'200': jsonResponse(
						'Acknowledged (orderId null when the parcel is unknown or not yet signed for)',
						obj({
							orderId: nullable(uuid),
							result: { const: true },
							returnCode: { const: '200' },
							message: { type: 'string' }
						})
					),
					'400': errorResponse('Invalid body or param'),
					'401': errorResponse('bad_signature'),
					'403': errorResponse('Carrier pushes are not configured (CARRIER_PUSH_SALT)'),
					'413': errorResponse('too_large')
				}
			}
		}
	};
	// Samples (19), messages and disputes (20), credit terms (21): their own parts, merged here.
	const parts = [
		sampleOpenApi(),
		tradeMessagesOpenApi(),
		disputesOpenApi(),
		replacementsOpenApi(),
		creditOpenApi()
	];
	return {
		schemas: Object.assign({}, schemas, ...parts.map((p) => p.schemas)),
		paths: Object.assign({}, paths, ...parts.map((p) => p.paths))
	};
}
