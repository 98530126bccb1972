// The /api/v1/trade/disputes bodies (zod, via the project's `z` and `parse`) and the calls the
// routes make: each route is one call deep (docs/DEVELOPING.md).
import { desc, eq, type SQL } from 'drizzle-orm';
import { DISPUTE_PROBLEMS, REMEDIES } from '$lib/domain/trade/dispute';
import { multilineText, z } from '$lib/server/validation';
import { isOperator, isSupplier, type Principal } from '../auth/principal';
import { db } from '../db';
import { tradeDisputes, tradeOrders } from '../db/schema';
import { parse } from '../errors';
import {
	actOnDispute,
	addEvidence,
	disputeView,
	fileDispute,
	type DisputeActionInput
} from './disputes';

const fenInt = () => z.number().int({ error: 'v.integer' });
const shortText = (max: number) => z.string().trim().min(1).max(max);
const EvidenceItem = z.strictObject({ uploadId: z.uuid({ error: 'input.err.id' }) });

export const FileDisputeInput = z.strictObject({
	orderId: z.uuid(),
	lines: z
		.array(
			z.strictObject({
				lineId: z.uuid(),
				quantity: fenInt().min(1),
				problem: z.enum(DISPUTE_PROBLEMS, { error: 'v.choice' }),
				/** Estimated loss on the affected pieces, basis points (0–10000 = 0–100%). */
				lossBp: fenInt().min(0).max(10_000)
			})
		)
		.min(1)
		.max(200),
	remedy: z.enum(REMEDIES, { error: 'v.choice' }),
	refundFen: fenInt().min(1).optional(),
	/** The buyer's account of the problem. */
	description: multilineText().max(2000).optional(),
	/** Finished uploads (purpose `dispute_evidence`, refId the order) to file as evidence. */
	evidence: z.array(EvidenceItem).max(20).optional()
});

/** POST /disputes/{id}/evidence: more finished uploads for the dispute's order. */
export const AddEvidenceInput = z.strictObject({
	evidence: z.array(EvidenceItem).min(1).max(20)
});

export const DisputeAnswerInput = z.discriminatedUnion('answer', [
	z.strictObject({ answer: z.literal('accept') }),
	z.strictObject({ answer: z.literal('reject') }),
	z.strictObject({ answer: z.literal('counter'), refundFen: fenInt().min(1) })
]);

export const DisputeRulingInput = z.strictObject({
	ruling: z.enum(['release', 'partial_refund', 'return_and_refund', 'exchange'], {
		error: 'v.choice'
	}),
	refundFen: fenInt().min(0).optional(),
	reason: shortText(2000)
});

export const DisputeReturnShipInput = z.strictObject({
	carrier: shortText(40),
	trackingNo: z
		.string()
		.trim()
		.regex(/^[A-Za-z0-9-]{4,40}$/, { error: 'v.invalid' })
});

export async function fileDisputeBody(p: Principal, body: unknown) {
	const b = parse(FileDisputeInput, body);
	return fileDispute(p, b.orderId, {
		lines: b.lines,
		remedy: b.remedy,
		...(b.refundFen !== undefined ? { refundFen: b.refundFen } : {}),
		...(b.description !== undefined ? { description: b.description } : {}),
		evidence: b.evidence ?? []
	});
}

/** A party adds evidence to its open dispute. */
export async function addEvidenceBody(p: Principal, id: unknown, body: unknown) {
	const b = parse(AddEvidenceInput, body);
	return addEvidence(p, id, b.evidence);
}

export type DisputeStep =
	| 'answer'
	| 'accept-counter'
	| 'escalate'
	| 'withdraw'
	| 'rule'
	| 'return-ship'
	| 'return-received';

/** One step on a dispute from its route and body. */
export async function disputeStep(p: Principal, id: unknown, step: DisputeStep, body: unknown) {
	let input: DisputeActionInput;
	switch (step) {
		case 'answer': {
			const b = parse(DisputeAnswerInput, body);
			input = {
				action:
					b.answer === 'counter' ? { type: 'counter', refundFen: b.refundFen } : { type: b.answer }
			};
			break;
		}
		case 'accept-counter':
			input = { action: { type: 'accept_counter' } };
			break;
		case 'escalate':
			input = { action: { type: 'escalate' } };
			break;
		case 'withdraw':
			input = { action: { type: 'withdraw' } };
			break;
		case 'rule': {
			const b = parse(DisputeRulingInput, body);
			const refundFen = b.refundFen ?? 0;
			input = {
				action: {
					type: 'rule',
					ruling:
						b.ruling === 'partial_refund' || b.ruling === 'return_and_refund'
							? { kind: b.ruling, refundFen }
							: { kind: b.ruling }
				},
				reason: b.reason
			};
			break;
		}
		case 'return-ship': {
			const b = parse(DisputeReturnShipInput, body);
			input = { action: { type: 'ship_back' }, carrier: b.carrier, trackingNo: b.trackingNo };
			break;
		}
		case 'return-received':
			input = { action: { type: 'confirm_return' } };
			break;
	}
	return actOnDispute(p, id, input);
}

export { disputeView };

/**
 * The caller's disputes, the ones with the nearest deadline first: the buyer's and the supplier's
 * own orders', every one for an operator (the arbitration queue).
 */
export async function listDisputes(p: Principal, limit = 200) {
	let where: SQL | undefined;
	if (isOperator(p)) where = undefined;
	else if (p.orgKind === 'buyer' && p.orgId) where = eq(tradeOrders.buyerOrgId, p.orgId);
	else if (isSupplier(p)) where = eq(tradeOrders.supplierId, p.orgId!);
	else return [];
	const rows = await db()
		.select({ dispute: tradeDisputes, orderNumber: tradeOrders.number })
		.from(tradeDisputes)
		.innerJoin(tradeOrders, eq(tradeOrders.id, tradeDisputes.orderId))
		.where(where)
		.orderBy(tradeDisputes.dueAt, desc(tradeDisputes.filedAt))
		.limit(limit);
	return rows.map((r) => ({ ...r.dispute, orderNumber: r.orderNumber }));
}
