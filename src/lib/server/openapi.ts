// Helpers for the OpenAPI document each module contributes to (/api/v1/openapi.json).
import { z } from 'zod';

export type Json = Record<string, unknown>;

/** JSON Schema of the input a zod schema accepts. */
export const toSchema = (s: z.ZodType) => {
	const { $schema: _s, ...rest } = z.toJSONSchema(s, {
		io: 'input',
		unrepresentable: 'any',
		target: 'draft-2020-12'
	}) as Json;
	return rest;
};

export const errorResponse = (description: string) => ({
	description,
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
});

/**
 * The OpenAPI 3.1 document: the shared envelope (security, the error body) around the modules'
 * parts (each built from the same zod schemas its API validates with).
 */
export function openApiDocument(
	origin: string,
	parts: readonly { schemas: Json; paths: Json }[]
): Json {
	return {
		openapi: '3.1.0',
		info: {
			title: 'LotLive API',
			version: '1',
			description:
				'LotLive: surplus-stock catalog, live-show orders and fulfilment. Money is CNY in integer fen; rates in basis points. Errors are {"error":{"code","message","field"}}.'
		},
		servers: [{ url: origin }],
		components: {
			securitySchemes: {
				bearer: {
					type: 'http',
					scheme: 'bearer',
					description: 'An organisation API token (llt_…)'
				},
				session: { type: 'apiKey', in: 'cookie', name: 'lotlive_session' }
			},
			schemas: {
				...Object.assign({}, ...parts.map((p) => p.schemas)),
				Error: {
					type: 'object',
					required: ['error'],
					properties: {
						error: {
							type: 'object',
							required: ['code', 'message'],
							properties: {
								code: {
									type: 'string',
									examples: ['price_out_of_band', 'forbidden', 'invalid_input']
								},
								message: { type: 'string' },
								field: { type: 'string' },
								issues: { type: 'array', items: { type: 'object' } }
							}
						}
					}
				}
			}
		},
		security: [{ bearer: [] }, { session: [] }],
		paths: Object.assign({}, ...parts.map((p) => p.paths))
	};
}
