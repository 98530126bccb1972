import {
	commonErrors,
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
import { CreatePayoutInput, MarkPaidInput } from './payouts';

const period: Json[] = [
	queryParam('month', { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, 'YYYY-MM (China time)'),
	queryParam('from', { type: 'string', format: 'date' }, 'First day, with `to`'),
	queryParam('to', { type: 'string', format: 'date' }, 'Last day (included)')
];
const statementErrors = {
	...commonErrors('Not this organisation (or an operator)'),
	'404': errorResponse('Unknown organisation')
};

/** Escrow, commission, settlement and payouts (read side and operator actions), merged into openapi.json. */
export function ledgerOpenApi(): OpenApiPart {
	return {
		schemas: {
			PayoutCreate: toSchema(CreatePayoutInput),
			PayoutPaid: toSchema(MarkPaidInput)
		},
		paths: {
			'/api/v1/ledger/earnings': {
				get: {
					summary: 'A host team’s commission: pending, settled, paid (operators name ?teamId=)',
					parameters: [queryParam('teamId', { type: 'string', format: 'uuid' })],
					responses: {
						'200': jsonResponse('Earnings in fen'),
						...commonErrors('Hosts and operators')
					}
				}
			},
			'/api/v1/ledger/receivables': {
				get: {
					summary:
						'A supplier’s receivables: in escrow, payable, paid (operators name ?supplierId=)',
					parameters: [queryParam('supplierId', { type: 'string', format: 'uuid' })],
					responses: {
						'200': jsonResponse('Receivables in fen'),
						...commonErrors('Suppliers and operators')
					}
				}
			},
			'/api/v1/ledger/revenue': {
				get: {
					summary: 'Platform fee revenue, escrow and payables (operators)',
					responses: { '200': jsonResponse('Amounts in fen'), ...commonErrors('Operators only') }
				}
			},
			'/api/v1/ledger/payouts': {
				get: {
					summary: 'Payouts: the caller’s own, or every party’s for an operator (?orgId= narrows)',
					parameters: [queryParam('orgId', { type: 'string', format: 'uuid' })],
					responses: { '200': jsonResponse('{payouts}'), ...commonErrors() }
				},
				post: {
					summary: 'A pending payout of what a party is owed (operators)',
					requestBody: jsonBody(schemaRef('PayoutCreate')),
					responses: {
						'201': jsonResponse('The pending payout'),
						...commonErrors('Operators only'),
						'404': errorResponse('Unknown organisation'),
						'422': errorResponse('Nothing owed, or more than owed')
					}
				}
			},
			'/api/v1/ledger/payouts/{id}/paid': {
				parameters: [uuidParam()],
				post: {
					summary: 'Mark a payout paid with the bank reference; posts payable → cash (operators)',
					requestBody: jsonBody(schemaRef('PayoutPaid')),
					responses: {
						'200': jsonResponse('The payout'),
						...commonErrors('Operators only'),
						'404': errorResponse('Unknown payout'),
						'409': errorResponse('Not pending')
					}
				}
			},
			'/api/v1/ledger/payouts/{id}/cancel': {
				parameters: [uuidParam()],
				post: {
					summary: 'Withdraw a pending payout (operators)',
					responses: {
						'200': jsonResponse('The payout'),
						...commonErrors('Operators only'),
						'404': errorResponse('Unknown payout'),
						'409': errorResponse('Not pending')
					}
				}
			},
			'/api/v1/ledger/statements/{orgId}': {
				parameters: [uuidParam('orgId')],
				get: {
					summary: 'A host team’s or supplier’s statement for a month or a date range',
					parameters: period,
					responses: { '200': jsonResponse('Opening, entries, closing'), ...statementErrors }
				}
			},
			'/api/v1/ledger/statements/{orgId}/export.csv': {
				parameters: [uuidParam('orgId')],
				get: {
					summary: 'The statement as CSV, in the caller’s interface language',
					parameters: period,
					responses: {
						'200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
						...statementErrors
					}
				}
			},
			'/api/v1/ledger/statements/{orgId}/export.xlsx': {
				parameters: [uuidParam('orgId')],
				get: {
					summary: 'The statement as an XLSX workbook',
					parameters: period,
					responses: {
						'200': {
							description: 'XLSX',
							content: {
								'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
									schema: { type: 'string', format: 'binary' }
								}
							}
						},
						...statementErrors
					}
				}
			}
		}
	};
}
