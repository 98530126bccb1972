import {
	commonErrors,
	errorResponse,
	jsonBody,
	jsonResponse,
	noContent,
	queryParam,
	schemaRef,
	toSchema,
	uuidParam,
	type OpenApiPart
} from '../openapi';
import { CreateBoardInput, DuplicateBoardInput, UpdateBoardInput, ViewerInput } from './schemas';

const notTeam = 'Not a host or assistant of the board’s team (or a viewer, for reads)';

/** Run-of-show boards (the JSON side; live editing is the Yjs document), merged into openapi.json. */
export function boardsOpenApi(): OpenApiPart {
	return {
		schemas: {
			BoardCreate: toSchema(CreateBoardInput),
			BoardPatch: toSchema(UpdateBoardInput),
			BoardDuplicate: toSchema(DuplicateBoardInput),
			BoardViewer: toSchema(ViewerInput)
		},
		paths: {
			'/api/v1/boards': {
				get: {
					summary: 'The caller’s team’s boards (operators: every team’s)',
					parameters: [
						queryParam('status', { enum: ['active', 'archived', 'templates'] }, 'Default active')
					],
					responses: { '200': jsonResponse('{boards}'), ...commonErrors(notTeam) }
				},
				post: {
					summary: 'Create a board, empty or from a template',
					requestBody: jsonBody(schemaRef('BoardCreate')),
					responses: {
						'201': jsonResponse('{id}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown template')
					}
				}
			},
			'/api/v1/boards/lots': {
				get: {
					summary:
						'Catalog lots for boards: ?ids=a,b → those lots; ?q=…&limit= → search (active lots of admitted suppliers)',
					parameters: [
						queryParam('ids', { type: 'string' }, 'Comma-separated lot ids (up to 500)'),
						queryParam('q', { type: 'string', maxLength: 100 }),
						queryParam('limit', { type: 'integer', minimum: 1, maximum: 50 })
					],
					responses: { '200': jsonResponse('{lots}'), ...commonErrors('Console roles only') }
				}
			},
			'/api/v1/boards/{id}': {
				parameters: [uuidParam()],
				get: {
					summary: 'A board',
					responses: {
						'200': jsonResponse('{board}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				},
				patch: {
					summary: 'Rename, archive or restore',
					requestBody: jsonBody(schemaRef('BoardPatch')),
					responses: {
						'200': jsonResponse('{board}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				}
			},
			'/api/v1/boards/{id}/duplicate': {
				parameters: [uuidParam()],
				post: {
					summary: 'A copy of the board’s content (or a template), without its history',
					requestBody: {
						required: false,
						content: { 'application/json': { schema: schemaRef('BoardDuplicate') } }
					},
					responses: {
						'201': jsonResponse('{id}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				}
			},
			'/api/v1/boards/{id}/slots': {
				parameters: [uuidParam()],
				get: {
					summary: 'The board’s slots as plain JSON, in on-air order',
					responses: {
						'200': jsonResponse('{board, meta, slots}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				}
			},
			'/api/v1/boards/{id}/export.csv': {
				parameters: [uuidParam()],
				get: {
					summary: 'The run of show as CSV, in the caller’s interface language',
					responses: {
						'200': {
							description: 'CSV (UTF-8)',
							content: { 'text/csv': { schema: { type: 'string' } } }
						},
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				}
			},
			'/api/v1/boards/{id}/viewers': {
				parameters: [uuidParam()],
				get: {
					summary: 'People of other teams who may read the board',
					responses: {
						'200': jsonResponse('{viewers}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board')
					}
				},
				post: {
					summary: 'Let a host or assistant of another team read the board',
					requestBody: jsonBody(schemaRef('BoardViewer')),
					responses: {
						'201': jsonResponse('{viewers}'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board or person'),
						'422': errorResponse('Not a host or assistant of another team')
					}
				}
			},
			'/api/v1/boards/{id}/viewers/{userId}': {
				parameters: [uuidParam(), uuidParam('userId')],
				delete: {
					summary: 'Withdraw a viewer',
					responses: {
						'204': noContent('Removed'),
						...commonErrors(notTeam),
						'404': errorResponse('Unknown board or viewer')
					}
				}
			}
		}
	};
}
