import { SIZE_PROFILES } from '$lib/domain/pricing';
import {
	GRADES,
	LOT_SOURCES,
	LOT_STATUSES,
	LotCreateInput,
	LotFilterInput,
	LotPatchInput,
	SCENARIOS
} from './schemas';

import { errorResponse, toSchema, type Json } from '../openapi';
import type { OpenApiPart } from '../module';

const LotSummary: Json = {
	type: 'object',
	required: [
		'id',
		'title',
		'grade',
		'unitPriceFen',
		'tagPriceFen',
		'discountBp',
		'moq',
		'available',
		'supplierName'
	],
	properties: {
		id: { type: 'string', format: 'uuid' },
		supplierId: { type: 'string', format: 'uuid' },
		supplierName: { type: 'string' },
		title: { type: 'string' },
		grade: { enum: [...GRADES] },
		categoryPath: { type: 'string', examples: ['apparel/women/dresses'] },
		unitPriceFen: { type: 'integer', description: 'Unit price in fen (¥35.00 = 3500)' },
		tagPriceFen: { type: 'integer' },
		discountBp: { type: 'integer', description: 'unitPrice / tagPrice in basis points' },
		moq: { type: 'integer' },
		onHand: { type: 'integer' },
		locked: { type: 'integer' },
		allocated: { type: 'integer' },
		available: { type: 'integer', description: 'onHand − locked − allocated' },
		stockVersion: { type: 'integer' },
		status: { enum: [...LOT_STATUSES] },
		visible: { type: 'boolean' },
		scenarios: {
			type: 'array',
			items: { enum: [...SCENARIOS] },
			description: 'Derived, never set'
		},
		talkingPoints: { type: 'string' },
		defectDescription: { type: ['string', 'null'] },
		hasDefectVideo: { type: 'boolean' },
		dropshipAllowed: { type: 'boolean' },
		commissionBp: { type: 'integer' },
		warehouseProvince: { type: 'string' },
		warehouseCity: { type: 'string' },
		sales7d: { type: 'integer', description: 'Pieces sold in the last 7 days' },
		repurchaseBp: { type: 'integer', description: 'Repurchase rate, basis points' },
		repurchaseBuyers: {
			type: 'integer',
			description:
				'Buyers in the repurchase window (the count behind the rate; sort=repurchase ranks by the rate’s Wilson lower bound)'
		},
		photoUrl: { type: ['string', 'null'] },
		defectVideoUrl: { type: ['string', 'null'] }
	}
};

const LotDetail: Json = {
	allOf: [
		{ $ref: '#/components/schemas/LotSummary' },
		{
			type: 'object',
			properties: {
				description: { type: 'string' },
				source: {
					enum: ['factory_overrun', 'season_clearance', 'wholesaler_stock', 'ecommerce_return']
				},
				priceOverride: { type: 'boolean' },
				sizeBreakdown: { type: 'object', additionalProperties: { type: 'integer' } },
				sizeProfile: { type: 'string' },
				attributes: { type: 'object', additionalProperties: { type: 'string' } },
				statusReason: { type: ['string', 'null'] },
				brand: { type: ['object', 'null'] },
				category: { type: 'object' },
				supplier: { type: 'object' },
				media: {
					type: 'array',
					items: {
						type: 'object',
						properties: {
							id: { type: 'string' },
							kind: { enum: ['photo', 'defect_video'] },
							mime: { type: 'string' },
							url: { type: 'string' }
						}
					}
				}
			}
		}
	]
};

/** Query parameters of GET /api/v1/lots, from the filter schema. */
function filterParameters(): Json[] {
	const schema = toSchema(LotFilterInput) as { properties: Record<string, Json> };
	// Multi-value parameters: repeat them (grade=B&grade=C) or separate with commas.
	const multi: Record<string, Json> = {
		source: { enum: [...LOT_SOURCES] },
		grade: { enum: [...GRADES] },
		scenario: { enum: [...SCENARIOS] },
		sizeProfile: { enum: [...SIZE_PROFILES] },
		brand: { type: 'string', format: 'uuid' },
		region: { type: 'string' }
	};
	const params: Json[] = Object.entries(schema.properties).map(([name, s]) => ({
		name,
		in: 'query',
		required: false,
		description: (s.description as string | undefined) ?? undefined,
		...(multi[name]
			? { schema: { type: 'array', items: multi[name] }, style: 'form', explode: true }
			: { schema: s })
	}));
	params.push(
		{ name: 'facets', in: 'query', schema: { enum: ['1'] }, description: 'Add facet counts' },
		{
			name: 'mine',
			in: 'query',
			schema: { enum: ['1'] },
			description: 'Suppliers: your own lots, any status'
		}
	);
	return params;
}

/** Schemas and paths of the catalog's lots API, merged into /api/v1/openapi.json. */
export function catalogOpenApi(): OpenApiPart {
	return {
		schemas: {
			LotCreate: toSchema(LotCreateInput),
			LotPatch: toSchema(LotPatchInput),
			LotSummary,
			LotDetail,
			ImportResult: {
				type: 'object',
				properties: {
					ok: { type: 'boolean' },
					dryRun: { type: 'boolean', description: 'A preview: nothing was written' },
					stale: {
						type: 'boolean',
						description: 'The apply was refused: the lots changed since the preview'
					},
					rows: { type: 'integer' },
					created: { type: 'integer' },
					updated: { type: 'integer' },
					unchanged: { type: 'integer' },
					token: {
						type: 'string',
						description: 'Fingerprint of the plan; pass it as ?token= to apply this preview'
					},
					ids: { type: 'array', items: { type: 'string', format: 'uuid' } },
					preview: {
						type: 'array',
						description: 'What each data row does (or would do), in sheet order',
						items: {
							type: 'object',
							required: ['row', 'kind'],
							properties: {
								row: { type: 'integer' },
								kind: { enum: ['added', 'changed', 'unchanged', 'refused'] },
								sku: { type: ['string', 'null'], description: 'The row’s 货号' },
								title: { type: 'string' },
								lotId: { type: 'string', format: 'uuid' },
								changes: {
									type: 'array',
									items: {
										type: 'object',
										properties: {
											field: { enum: ['onHand', 'unitPriceFen', 'status', 'description'] },
											before: { type: ['string', 'integer'] },
											after: { type: ['string', 'integer'] }
										}
									}
								}
							}
						}
					},
					errors: {
						type: 'array',
						items: {
							type: 'object',
							properties: {
								row: { type: 'integer', description: 'Sheet row; the header is row 1' },
								column: { type: 'string', description: 'Column header as in the file' },
								cell: { type: 'string', examples: ['H3'] },
								code: { type: 'string' },
								message: { type: 'string' }
							}
						}
					}
				}
			}
		},
		paths: {
			'/api/v1/lots': {
				get: {
					summary: 'Search the catalog',
					parameters: filterParameters(),
					responses: {
						'200': {
							description: 'One page',
							content: {
								'application/json': {
									schema: {
										type: 'object',
										properties: {
											items: { type: 'array', items: { $ref: '#/components/schemas/LotSummary' } },
											nextCursor: { type: ['string', 'null'] },
											facets: { type: 'object' }
										}
									}
								}
							}
						},
						'400': errorResponse('A filter value is invalid (field named)'),
						'401': errorResponse('No session or token')
					}
				},
				post: {
					summary: 'Create a lot (suppliers)',
					requestBody: {
						required: true,
						content: { 'application/json': { schema: { $ref: '#/components/schemas/LotCreate' } } }
					},
					responses: {
						'201': {
							description: 'Created',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/LotDetail' } }
							}
						},
						'400': errorResponse('Invalid input (field named)'),
						'403': errorResponse('Not a supplier, or blocked'),
						'422': errorResponse(
							'A rule is broken: price_out_of_band (names the band), defect_required, commission_out_of_range'
						)
					}
				}
			},
			'/api/v1/lots/{id}': {
				parameters: [
					{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
				],
				get: {
					summary: 'One lot',
					responses: {
						'200': {
							description: 'The lot',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/LotDetail' } }
							}
						},
						'404': errorResponse('Unknown, or not visible to you')
					}
				},
				patch: {
					summary: 'Change a lot (its supplier, or an operator)',
					requestBody: {
						required: true,
						content: { 'application/json': { schema: { $ref: '#/components/schemas/LotPatch' } } }
					},
					responses: {
						'200': {
							description: 'The changed lot',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/LotDetail' } }
							}
						},
						'400': errorResponse('Invalid input'),
						'403': errorResponse('Another supplier’s lot'),
						'404': errorResponse('Unknown lot'),
						'409': errorResponse(
							'stock_below_reserved: on-hand below locked + allocated; lot_blocked'
						),
						'422': errorResponse('price_out_of_band, defect_required, commission_out_of_range')
					}
				}
			},
			'/api/v1/lots/import': {
				post: {
					summary:
						'Import lots from CSV or XLSX: add lots, update lots matched by 货号 (supplier SKU); all rows or none',
					parameters: [
						{
							name: 'dryRun',
							in: 'query',
							schema: { enum: ['1', '0', 'true', 'false'] },
							description:
								'Check and preview only (added / changed / unchanged / refused); write nothing'
						},
						{
							name: 'mode',
							in: 'query',
							schema: { enum: ['upsert', 'create'] },
							description:
								'upsert (default): a row whose 货号 matches a lot updates its stock, price, status and description; create: such rows are refused'
						},
						{
							name: 'token',
							in: 'query',
							schema: { type: 'string' },
							description:
								'The token of the preview being confirmed: if the lots changed since, nothing is written (409, stale)'
						}
					],
					requestBody: {
						required: true,
						content: {
							'multipart/form-data': {
								schema: {
									type: 'object',
									properties: {
										file: { type: 'string', contentMediaType: 'application/octet-stream' }
									}
								}
							},
							'text/csv': { schema: { type: 'string' } },
							'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
								schema: { type: 'string', contentMediaType: 'application/octet-stream' }
							}
						}
					},
					responses: {
						'200': {
							description: 'Every row written',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/ImportResult' } },
								'application/x-ndjson': { schema: { type: 'string' } }
							}
						},
						'422': {
							description: 'Nothing written; errors per row and column',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/ImportResult' } }
							}
						},
						'409': {
							description:
								'Nothing written: the lots changed since the preview whose token was sent; the body is the fresh preview',
							content: {
								'application/json': { schema: { $ref: '#/components/schemas/ImportResult' } }
							}
						},
						'400': errorResponse('Unreadable file or bad query parameter'),
						'403': errorResponse('Not a supplier')
					}
				}
			}
		}
	};
}
