import { jsonResponse, type Json, type OpenApiPart } from '../openapi';

/** The document's own path. */
function platformOpenApi(): OpenApiPart {
	return {
		schemas: {
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
		},
		paths: {
			'/api/v1/openapi.json': {
				get: {
					security: [],
					summary: 'This document (OpenAPI 3.1; public)',
					responses: { '200': jsonResponse('The OpenAPI document') }
				}
			}
		}
	};
}

/**
 * Merges parts: schemas by name, paths by path and then by method (two modules may serve
 * methods of one path). A schema name, or a path's method, claimed by two parts is a mistake
 * that would silently drop one of them, so it throws.
 */
export function mergeOpenApiParts(parts: Record<string, OpenApiPart>): OpenApiPart {
	const schemas: Json = {};
	const paths: Record<string, Json> = {};
	const owner = new Map<string, string>();
	const claim = (what: string, by: string) => {
		const had = owner.get(what);
		if (had) throw new Error(`OpenAPI: ${what} is in both ${had} and ${by}`);
		owner.set(what, by);
	};
	for (const [name, part] of Object.entries(parts)) {
		for (const [k, v] of Object.entries(part.schemas)) {
			claim(`schema ${k}`, name);
			schemas[k] = v;
		}
		for (const [path, item] of Object.entries(part.paths)) {
			const target = (paths[path] ??= {});
			for (const [key, v] of Object.entries(item as Json)) {
				if (key === 'parameters') {
					target.parameters ??= v;
					continue;
				}
				claim(`${key.toUpperCase()} ${path}`, name);
				target[key] = v;
			}
		}
	}
	return { schemas, paths };
}

/**
 * The OpenAPI 3.1 document from the modules' parts (by module name; the list is in
 * ../modules.ts), each built from the same zod schemas its API validates with, plus the
 * platform's own (the error body, this document's path).
 */
export function openApiDocument(origin: string, parts: Record<string, OpenApiPart>): Json {
	const { schemas, paths } = mergeOpenApiParts({ platform: platformOpenApi(), ...parts });
	return {
		openapi: '3.1.0',
		info: {
			title: 'LotLive API',
			version: '1',
			description:
				'LotLive: surplus-stock catalog, live shows and stock locks, run-of-show boards, orders and fulfilment, escrow and settlement. Money is CNY in integer fen; rates in basis points. Errors are {"error":{"code","message","field"}}.'
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
			schemas
		},
		security: [{ bearer: [] }, { session: [] }],
		paths
	};
}
