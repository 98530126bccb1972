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
