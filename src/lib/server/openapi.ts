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
 * What one module adds to the OpenAPI document: its component schemas and its paths
 * (platform/openapi.ts merges every part; a path or schema name belongs to one part only).
 */
export interface OpenApiPart {
	schemas: Json;
	paths: Json;
}

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const jsonBody = (schema: Json) => ({
	required: true,
	content: { 'application/json': { schema } }
});
export const jsonResponse = (description: string, schema: Json = { type: 'object' }) => ({
	description,
	content: { 'application/json': { schema } }
});
export const noContent = (description = 'Done') => ({ description });
export const uuidParam = (name = 'id') => ({
	name,
	in: 'path',
	required: true,
	schema: { type: 'string', format: 'uuid' }
});
export const queryParam = (
	name: string,
	schema: Json = { type: 'string' },
	description?: string
) => ({
	name,
	in: 'query',
	required: false,
	schema,
	...(description ? { description } : {})
});
/** Refusals most operations share (each adds its own 409/422). */
export const commonErrors = (forbiddenWhy = 'Not allowed for the caller') => ({
	'400': errorResponse('Invalid input (field named)'),
	'401': errorResponse('Not signed in'),
	'403': errorResponse(forbiddenWhy)
});
