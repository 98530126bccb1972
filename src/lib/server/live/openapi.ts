import { errorResponse, toSchema, type Json } from '../openapi';
import { AcquireInput } from './locks';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: Json) => ({
	description,
	content: { 'application/json': { schema } }
});

/** Schemas and paths of the live module's lock API, merged into /api/v1/openapi.json. */
export function liveOpenApi(): { schemas: Json; paths: Json } {
	const lockResult = {
		type: 'object',
		properties: {
			lock: ref('Lock'),
			counters: ref('LotCounters'),
			replayed: {
				type: 'boolean',
				description: 'true: a retry answered from its Idempotency-Key with the lock granted before'
			}
		}
	};
	return {
		schemas: {
			LockCreate: toSchema(AcquireInput),
			Lock: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					showId: { type: 'string', format: 'uuid' },
					lotId: { type: 'string', format: 'uuid' },
					quantity: { type: 'integer' },
					consumed: { type: 'integer' },
					status: { enum: ['active', 'released', 'expired'] },
					expiresAt: { type: 'string', format: 'date-time' },
					createdAt: { type: 'string', format: 'date-time' }
				}
			},
			LotCounters: {
				type: 'object',
				properties: {
					onHand: { type: 'integer' },
					locked: { type: 'integer' },
					allocated: { type: 'integer' },
					available: { type: 'integer' },
					version: { type: 'integer' }
				}
			}
		},
		paths: {
			'/api/v1/shows/{id}/locks': {
				parameters: [
					{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
				],
				post: {
					summary:
						'Lock units of a lot on the show’s line-up for the show (its host team). Also as the socket.io event LockAcquireV1 (idempotencyKey field).',
					parameters: [
						{
							name: 'Idempotency-Key',
							in: 'header',
							required: false,
							schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
							description:
								'Send the same key with every retry of one request: the first grant is stored per show (24 h by default) and a retry with the same body gets that lock (200) instead of a second one, on any node. A refused request stores nothing.'
						}
					],
					requestBody: {
						required: true,
						content: { 'application/json': { schema: ref('LockCreate') } }
					},
					responses: {
						'201': ok('Locked', lockResult),
						'200': ok('A retry with the same Idempotency-Key and body: the same lock', lockResult),
						'400': errorResponse('Invalid input or Idempotency-Key (field named)'),
						'403': errorResponse('Not this show’s host team'),
						'404': errorResponse('Unknown show or lot'),
						'409': errorResponse(
							'insufficient_stock (with available), show_closed; nothing written'
						),
						'422': errorResponse(
							'lot_not_in_show, lot_unavailable, idempotency_mismatch (the key was used with another lot or quantity)'
						)
					}
				}
			}
		}
	};
}
