// The replacements part of the trade module's OpenAPI (issue 20; docs/TRADE.md "Replacements"):
// the supplier ships a replacement due on an order (exchange, severe-defect rule). The body is
// replacements.ts's zod schema; the order view lists the replacements with their deadlines.
import { REPLACEMENT_STATES } from '$lib/domain/trade/replacement';
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
import { ReplacementShipInput } from './replacements';

const dateTime: Json = { type: 'string', format: 'date-time' };
const nullableDate: Json = { anyOf: [dateTime, { type: 'null' }] };

const replacement: Json = {
	type: 'object',
	required: ['id', 'source', 'state', 'pieces', 'heldFen', 'dueAt', 'lines', 'parcels'],
	properties: {
		id: { type: 'string', format: 'uuid' },
		source: { enum: ['exchange', 'severe_defect'] },
		state: { enum: [...REPLACEMENT_STATES] },
		pieces: { type: 'integer' },
		heldFen: {
			type: 'integer',
			description:
				'Escrow held for the pieces: released less the fee when it ships, refunded to the buyer when the deadline passes'
		},
		freightChargeFen: {
			type: 'integer',
			description: 'Freight charged to the supplier when it ships (order freight per piece)'
		},
		releasedFen: { type: 'integer' },
		refundedFen: { type: 'integer' },
		dueAt: { ...dateTime, description: 'Ship by then (policy inspection.replacementDueHours)' },
		shippedAt: nullableDate,
		closedAt: nullableDate,
		lines: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					lineId: { type: 'string', format: 'uuid' },
					quantity: { type: 'integer' },
					heldFen: { type: 'integer' }
				}
			}
		},
		parcels: { type: 'array', items: { type: 'object' } }
	}
};

export function replacementsOpenApi(): OpenApiPart {
	return {
		schemas: {
			TradeReplacement: replacement,
			TradeReplacementShip: toSchema(ReplacementShipInput)
		},
		paths: {
			'/api/v1/trade/orders/{id}/replacements/{replacementId}/ship': {
				parameters: [uuidParam('id'), uuidParam('replacementId')],
				post: {
					summary:
						'Supplier: ship a replacement due on the order (carrier + tracking per parcel) before its deadline; the pieces come from free stock, the held escrow releases, the freight is charged to the supplier',
					requestBody: jsonBody(schemaRef('TradeReplacementShip')),
					responses: {
						'200': jsonResponse('The order after the shipment (its replacements listed)', {
							type: 'object',
							required: ['order'],
							properties: { order: schemaRef('TradeOrder') }
						}),
						...commonErrors('Only the order’s supplier ships a replacement'),
						'404': errorResponse('Unknown order or replacement, or not the caller’s'),
						'409': errorResponse(
							'Already shipped or missed (trade_state), past its deadline (deadline_passed), a tracking number used before, or not enough free stock (insufficient_stock, details.available)'
						),
						'422': errorResponse(
							'A tracking number the carrier would not issue (parcels.N.trackingNo)'
						)
					}
				}
			}
		}
	};
}
