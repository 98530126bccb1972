// Credit terms' part of /api/v1/openapi.json (issue 21; docs/TRADE.md "Credit terms: the
// service"): the buyer's application and account, the operator's accounts, decisions,
// repayments, write-offs and the aging report. Bodies are the service's own zod schemas.
import {
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
import {
	CreditApplicationInput,
	CreditDecisionInput,
	RepaymentInput,
	WriteOffInput
} from './credit';

const base = {
	'400': errorResponse('Invalid input (field named)'),
	'401': errorResponse('Not signed in (session or Bearer token)'),
	'403': errorResponse('Buyers only / operators only')
};
const obj = (description: string) => jsonResponse(description, { type: 'object' });
const period = [
	queryParam('month', { type: 'string', pattern: '^\\d{4}-\\d{2}$' }),
	queryParam('from', { type: 'string', format: 'date' }),
	queryParam('to', { type: 'string', format: 'date' })
];

export function creditOpenApi(): OpenApiPart {
	const schemas: Json = {
		TradeCreditApplication: toSchema(CreditApplicationInput),
		TradeCreditDecision: toSchema(CreditDecisionInput),
		TradeCreditRepayment: toSchema(RepaymentInput),
		TradeCreditWriteOff: toSchema(WriteOffInput)
	};
	const paths: Json = {
		'/api/v1/trade/credit': {
			get: {
				summary:
					'The buyer’s credit account: status, limit, used, available, warning, blocking invoice, invoices, history (null before applying)',
				responses: { '200': obj('{credit}'), ...base }
			},
			post: {
				summary:
					'The buyer organisation applies for credit terms (company name, 统一社会信用代码 with its check character, trade references)',
				requestBody: jsonBody(schemaRef('TradeCreditApplication')),
				responses: {
					'201': obj('{account}, status applied'),
					...base,
					'409': errorResponse('credit_applied (already applied or approved), uscc_taken')
				}
			}
		},
		'/api/v1/trade/credit/accounts': {
			get: {
				summary: 'Operators: every credit account with limit / used / available',
				responses: { '200': obj('{accounts}'), ...base }
			}
		},
		'/api/v1/trade/credit/accounts/{buyerOrgId}': {
			parameters: [uuidParam('buyerOrgId')],
			get: {
				summary: 'Operators: one buyer’s account, invoices and history of decisions',
				responses: {
					'200': obj('{credit}'),
					...base,
					'404': errorResponse('No such account')
				}
			}
		},
		'/api/v1/trade/credit/accounts/{buyerOrgId}/decision': {
			parameters: [uuidParam('buyerOrgId')],
			post: {
				summary:
					'Operators: approve with a limit and a term (30 or 45 days; also how a limit or term is changed), decline or suspend with a reason',
				requestBody: jsonBody(schemaRef('TradeCreditDecision')),
				responses: {
					'200': obj('{account}'),
					...base,
					'404': errorResponse('No such account'),
					'409': errorResponse('credit_state: not possible in the account’s state')
				}
			}
		},
		'/api/v1/trade/credit/accounts/{buyerOrgId}/repayments': {
			parameters: [uuidParam('buyerOrgId')],
			post: {
				summary:
					'Operators: record a bank transfer repayment, allocated to the open invoices oldest due first',
				requestBody: jsonBody(schemaRef('TradeCreditRepayment')),
				responses: {
					'201': obj('{repayment, allocations}'),
					...base,
					'404': errorResponse('No such account'),
					'409': errorResponse('repayment_duplicate: the bank reference was recorded before'),
					'422': errorResponse('overpayment: more than owed (details.owedFen)')
				}
			}
		},
		'/api/v1/trade/credit/accounts/{buyerOrgId}/statement': {
			parameters: [uuidParam('buyerOrgId')],
			get: {
				summary:
					'The buyer organisation’s statement from the ledger (its own people and tokens, or operators): escrow payments, refunds, invoices on terms, repayments (bank reference), write-offs, opening and closing balance owed on terms',
				parameters: period,
				responses: {
					'200': obj('{org, period, openingFen, closingFen, totals, lines}'),
					...base,
					'404': errorResponse('Not a buyer organisation, or another one’s')
				}
			}
		},
		'/api/v1/trade/credit/accounts/{buyerOrgId}/statement/export.csv': {
			parameters: [uuidParam('buyerOrgId')],
			get: {
				summary: 'The buyer organisation’s statement as CSV (UTF-8 with BOM)',
				parameters: period,
				responses: {
					'200': {
						description: 'The statement',
						content: { 'text/csv': { schema: { type: 'string' } } }
					},
					...base,
					'404': errorResponse('Not a buyer organisation, or another one’s')
				}
			}
		},
		'/api/v1/trade/credit/reminders': {
			get: {
				summary:
					'Buyers: the reminders sent for the organisation’s open invoices (before, overdue), as the job recorded them',
				responses: { '200': obj('{reminders}'), ...base }
			}
		},
		'/api/v1/trade/credit/invoices/{id}/write-off': {
			parameters: [uuidParam()],
			post: {
				summary: 'Operators: write off what is left of an invoice (credit_loss)',
				requestBody: jsonBody(schemaRef('TradeCreditWriteOff')),
				responses: {
					'200': obj('{invoice}'),
					...base,
					'404': errorResponse('No such invoice'),
					'409': errorResponse('invoice_closed')
				}
			}
		},
		'/api/v1/trade/credit/aging': {
			get: {
				summary:
					'Operators: the aging report per buyer (current, 1–30, 31–60, over 60 days overdue), as JSON, CSV or XLSX',
				parameters: [queryParam('format', { enum: ['json', 'csv', 'xlsx'] })],
				responses: {
					'200': {
						description: '{rows} as JSON, or the file',
						content: {
							'application/json': { schema: { type: 'object' } },
							'text/csv': { schema: { type: 'string' } },
							'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
								schema: { type: 'string', format: 'binary' }
							}
						}
					},
					...base
				}
			}
		}
	};
	return { schemas, paths };
}
