import {
	commonErrors,
	errorResponse,
	jsonBody,
	jsonResponse,
	queryParam,
	toSchema,
	uuidParam,
	type Json,
	type OpenApiPart
} from '../openapi';
import { AcquireInput, ChangeInput } from './locks';
import {
	CreateShowInput,
	CurrentSlotInput,
	FromBoardInput,
	SlotPackagingInput,
	TransitionInput,
	UpdateShowInput
} from './shows';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: Json) => ({
	description,
	content: { 'application/json': { schema } }
});

/** Schemas and paths of the live module's lock API, merged into /api/v1/openapi.json. */
export function liveOpenApi(): OpenApiPart {
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
			LockChange: toSchema(ChangeInput),
			ShowCreate: toSchema(CreateShowInput),
			ShowFromBoard: toSchema(FromBoardInput),
			ShowPatch: toSchema(UpdateShowInput),
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
			'/api/v1/shows': {
				get: {
					summary: 'The caller’s team’s shows (operators: every show)',
					responses: { '200': jsonResponse('{shows}'), ...commonErrors() }
				},
				post: {
					summary:
						'Create a show from a line-up ({title, scheduledAt?, slots}) or from a run-of-show board ({boardId, title?})',
					requestBody: jsonBody({ oneOf: [ref('ShowCreate'), ref('ShowFromBoard')] }),
					responses: {
						'201': jsonResponse('{id}'),
						...commonErrors('Not a host team writer'),
						'404': errorResponse('Unknown board or lot'),
						'422': errorResponse('A lot is not for sale')
					}
				}
			},
			'/api/v1/shows/{id}': {
				parameters: [uuidParam()],
				get: {
					summary: 'A show with its line-up, locks and counters',
					responses: {
						'200': jsonResponse('{show, slots, locks, counters, canWrite}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show')
					}
				},
				patch: {
					summary: 'Title, schedule, commission deal (within the policy band) or packaging',
					requestBody: jsonBody(ref('ShowPatch')),
					responses: {
						'200': jsonResponse('{show}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show'),
						'422': errorResponse('Commission outside the policy band')
					}
				}
			},
			'/api/v1/shows/{id}/status': {
				parameters: [uuidParam()],
				post: {
					summary: 'Go live, end or cancel; ending releases every remaining lock',
					requestBody: jsonBody(toSchema(TransitionInput)),
					responses: {
						'200': jsonResponse('{show}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show'),
						'409': errorResponse('Not allowed from the show’s status')
					}
				}
			},
			'/api/v1/shows/{id}/current-slot': {
				parameters: [uuidParam()],
				put: {
					summary: 'The slot on air now (null: none)',
					requestBody: jsonBody(toSchema(CurrentSlotInput)),
					responses: {
						'200': jsonResponse('{show}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show or slot')
					}
				}
			},
			'/api/v1/shows/{id}/slots/{slotId}': {
				parameters: [uuidParam(), uuidParam('slotId')],
				patch: {
					summary: 'Packaging instructions for one slot’s parcels',
					requestBody: jsonBody(toSchema(SlotPackagingInput)),
					responses: {
						'200': jsonResponse('{slot}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show or slot')
					}
				}
			},
			'/api/v1/shows/{id}/history': {
				parameters: [uuidParam()],
				get: {
					summary: 'Lock events of the show, newest last (the live console catching up)',
					parameters: [queryParam('after', { type: 'string' }, 'Only events after this id')],
					responses: {
						'200': jsonResponse('{events}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show')
					}
				}
			},
			'/api/v1/shows/{id}/lots/{lotId}/locks': {
				parameters: [uuidParam(), uuidParam('lotId')],
				delete: {
					summary: 'Release every active lock the show holds on this lot',
					responses: {
						'200': jsonResponse('{released, counters}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show or lot')
					}
				}
			},
			'/api/v1/locks/{id}': {
				parameters: [uuidParam()],
				patch: {
					summary:
						'{quantity} raises or lowers a lock (0 releases it); {extendMinutes} pushes its expiry',
					requestBody: jsonBody(ref('LockChange')),
					responses: {
						'200': jsonResponse('{lock, counters}', lockResult),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown lock'),
						'409': errorResponse('insufficient_stock, show_closed; nothing written')
					}
				},
				delete: {
					summary: 'Release a lock',
					responses: {
						'200': jsonResponse('{lock, counters}', lockResult),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown lock')
					}
				}
			},
			'/api/v1/lots/{id}/stock': {
				parameters: [uuidParam()],
				get: {
					summary: 'A lot’s stock counters',
					responses: {
						'200': jsonResponse('{lotId, onHand, locked, allocated, available, version}'),
						'401': errorResponse('Not signed in'),
						'404': errorResponse('Unknown lot')
					}
				}
			},
			'/api/v1/shows/{id}/locks': {
				parameters: [
					{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
				],
				get: {
					summary: 'The show’s locks and its lots’ counters',
					responses: {
						'200': jsonResponse('{locks, counters}'),
						...commonErrors('Not this show’s host team'),
						'404': errorResponse('Unknown show')
					}
				},
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
