// The operators' side of disputes (issue 20, docs/TRADE.md "Disputes: the operators' pages"):
// the arbitration queue of /admin/disputes and the evidence bundle of /admin/disputes/[id] — the
// manifest, the inspection checklist and video, the sealed sample, the message records with
// their hash-chain checks, the parcels and the return leg, the evidence files, the timeline and
// the order's escrow postings (the ruling's ledger effect). Read-only: the ruling itself is
// `actOnDispute` (disputes.ts) through `disputeStep('rule')`. Operators only (403 for anyone
// else, whatever the route did); an unknown or malformed id is 404.
import { count, eq, inArray, ne, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
	QUEUE_FILTERS,
	inFilter,
	queueOrder,
	rulingLate,
	type QueueFilter
} from '$lib/domain/trade/dispute-queue';
import type { DisputeProblem, DisputeState, Outcome, Remedy } from '$lib/domain/trade/dispute';
import type { EvidenceView } from '$lib/trade/disputes';
import type { InspectionView, TradeOrderView } from '$lib/trade/types';
import { z } from '$lib/server/validation';
import { isOperator, type Principal } from '../auth/principal';
import { db } from '../db';
import { orgs, tradeDisputeLines, tradeDisputes, tradeOrders } from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { tradeOrderMoney, type TradeOrderMoney } from '../ledger';
import { disputeView } from './disputes';
import { inspectionView } from './inspection';
import { listMessages, verifyChain, type ConversationKind } from './messages';
import { sealedReferenceOf, type SealedReferenceView } from './packing';
import { getOrder } from './queries';

const operatorOnly = (p: Principal) => {
	if (!isOperator(p)) throw forbidden('trade.adispute.err.operator_only');
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const DisputeQueueQuery = z.strictObject({
	state: z.enum(QUEUE_FILTERS, { error: 'v.choice' }).optional()
});

export interface DisputeQueueItem {
	id: string;
	orderId: string;
	orderNumber: number;
	buyerName: string;
	supplierName: string;
	state: DisputeState;
	remedy: Remedy;
	frozenFen: number;
	askedRefundFen: number;
	counterFen: number | null;
	escalatedBy: 'buyer' | 'supplier' | 'operator' | 'system' | null;
	filedAt: string;
	dueAt: string | null;
	/** Escalated and past its 48-hour ruling deadline. */
	late: boolean;
	outcomeKind: Outcome['kind'] | null;
	lineCount: number;
	version: number;
}

export interface DisputeQueue {
	filter: QueueFilter;
	items: DisputeQueueItem[];
	/** How many disputes each filter shows (the tabs). */
	counts: Record<QueueFilter, number>;
}

/** The arbitration queue: escalated first by ruling deadline, then the rest by deadline. */
export async function disputeQueue(
	p: Principal,
	raw: unknown = {},
	now: Date = new Date(),
	limit = 500
): Promise<DisputeQueue> {
	operatorOnly(p);
	const filter: QueueFilter = parse(DisputeQueueQuery, raw).state ?? 'open';
	const buyer = alias(orgs, 'buyer');
	const supplier = alias(orgs, 'supplier');
	const where: SQL | undefined =
		filter === 'all'
			? undefined
			: filter === 'open'
				? ne(tradeDisputes.state, 'closed')
				: eq(tradeDisputes.state, filter);
	const [rows, perState] = await Promise.all([
		db()
			.select({
				d: tradeDisputes,
				orderNumber: tradeOrders.number,
				buyerName: buyer.name,
				supplierName: supplier.name
			})
			.from(tradeDisputes)
			.innerJoin(tradeOrders, eq(tradeOrders.id, tradeDisputes.orderId))
			.innerJoin(buyer, eq(buyer.id, tradeOrders.buyerOrgId))
			.innerJoin(supplier, eq(supplier.id, tradeOrders.supplierId))
			.where(where)
			.limit(limit),
		db()
			.select({ state: tradeDisputes.state, n: count() })
			.from(tradeDisputes)
			.groupBy(tradeDisputes.state)
	]);
	const lineCounts = new Map<string, number>();
	if (rows.length > 0) {
		for (const r of await db()
			.select({ id: tradeDisputeLines.disputeId, n: count() })
			.from(tradeDisputeLines)
			.where(
				inArray(
					tradeDisputeLines.disputeId,
					rows.map((r) => r.d.id)
				)
			)
			.groupBy(tradeDisputeLines.disputeId))
			lineCounts.set(r.id, Number(r.n));
	}
	const counts = Object.fromEntries(QUEUE_FILTERS.map((f) => [f, 0])) as Record<
		QueueFilter,
		number
	>;
	for (const s of perState)
		for (const f of QUEUE_FILTERS) if (inFilter(s.state, f)) counts[f] += Number(s.n);
	const ordered = queueOrder(
		rows.map((r) => ({ ...r, state: r.d.state, dueAt: r.d.dueAt, filedAt: r.d.filedAt }))
	);
	return {
		filter,
		counts,
		items: ordered.map(({ d, orderNumber, buyerName, supplierName }) => ({
			id: d.id,
			orderId: d.orderId,
			orderNumber,
			buyerName,
			supplierName,
			state: d.state,
			remedy: d.remedy,
			frozenFen: d.frozenFen,
			askedRefundFen: d.askedRefundFen,
			counterFen: d.counterFen,
			escalatedBy: d.escalatedBy,
			filedAt: d.filedAt.toISOString(),
			dueAt: iso(d.dueAt),
			late: rulingLate(d, now),
			outcomeKind: d.outcomeKind,
			lineCount: lineCounts.get(d.id) ?? 0,
			version: d.version
		}))
	};
}

export interface ManifestLineView {
	lineId: string;
	title: string;
	grade: string;
	/** Pieces on the order line, and how many the buyer says are affected. */
	lineQuantity: number;
	quantity: number;
	problem: DisputeProblem;
	lossBp: number;
	frozenFen: number;
}

export interface ConversationRecord {
	kind: ConversationKind;
	subjectId: string;
	conversationId: string;
	messages: number;
	headHash: string;
	/** `verifyChain`: every hash recomputed, seqs without gaps, the head the last hash. */
	check: { ok: boolean; brokenAt?: number; count: number };
	exportUrl: string;
}

export interface TimelineEntry {
	at: string;
	/** `order`: a state change of the order; `dispute`: a step recorded in the dispute's record. */
	source: 'order' | 'dispute';
	/** Order steps: the states and the action (shown translated); dispute steps: the record's text. */
	from?: string | null;
	to?: string;
	action?: string;
	actor?: string;
	text?: string;
}

export interface DisputeBundle {
	dispute: {
		id: string;
		state: DisputeState;
		remedy: Remedy;
		/** The buyer's own words when filing. */
		description: string | null;
		frozenFen: number;
		askedRefundFen: number;
		counterFen: number | null;
		escalatedBy: 'buyer' | 'supplier' | 'operator' | 'system' | null;
		filedAt: string;
		since: string;
		dueAt: string | null;
		late: boolean;
		outcome: {
			kind: Outcome['kind'];
			refundFen: number;
			releaseFen: number;
			by: Outcome['by'] | null;
			reason: string | null;
			replacementDueAt: string | null;
			closedAt: string | null;
		} | null;
		version: number;
	};
	order: TradeOrderView;
	manifest: ManifestLineView[];
	inspection: InspectionView | null;
	sealed: SealedReferenceView | null;
	conversations: ConversationRecord[];
	returnLeg: { carrier: string | null; trackingNo: string | null; shippedAt: string | null } | null;
	/** The parties' evidence files (photos, videos, PDFs), oldest first. */
	evidence: EvidenceView[];
	timeline: TimelineEntry[];
	money: TradeOrderMoney;
}

/** The inspection as recorded, or null when the buyer never started one. */
async function inspectionOrNull(p: Principal, orderId: string): Promise<InspectionView | null> {
	try {
		return await inspectionView(p, orderId);
	} catch (e) {
		if (e instanceof AppError && e.kind === 'conflict') return null;
		throw e;
	}
}

/** The whole evidence bundle of one dispute, on one page (operators). */
export async function disputeBundle(
	p: Principal,
	rawId: unknown,
	now: Date = new Date()
): Promise<DisputeBundle> {
	operatorOnly(p);
	const v = await disputeView(p, rawId);
	const d = v.dispute;
	const [order, inspection, sealed, disputeMsgs, orderMsgs, money] = await Promise.all([
		getOrder(p, d.orderId),
		inspectionOrNull(p, d.orderId),
		sealedReferenceOf(p, d.orderId),
		listMessages(p, { kind: 'dispute', id: d.id }),
		listMessages(p, { kind: 'order', id: d.orderId }),
		tradeOrderMoney(d.orderId)
	]);
	const linesById = new Map(order.lines.map((l) => [l.id, l]));
	const conversations: ConversationRecord[] = [];
	for (const m of [disputeMsgs, orderMsgs]) {
		conversations.push({
			kind: m.conversation.kind,
			subjectId: m.conversation.subjectId,
			conversationId: m.conversation.id,
			messages: m.conversation.lastSeq,
			headHash: m.conversation.headHash,
			check: await verifyChain(m.conversation.id),
			exportUrl: `/api/v1/trade/conversations/${m.conversation.kind}/${m.conversation.subjectId}/export`
		});
	}
	const timeline: TimelineEntry[] = [
		...order.events.map((e): TimelineEntry => ({
			at: e.at,
			source: 'order',
			from: e.from,
			to: e.to,
			action: e.action,
			actor: e.actor
		})),
		...disputeMsgs.messages
			.filter((m) => m.party === 'system')
			.map((m): TimelineEntry => ({ at: m.at, source: 'dispute', text: m.body }))
	].sort((a, b) => a.at.localeCompare(b.at));
	return {
		dispute: {
			id: d.id,
			state: d.state,
			remedy: d.remedy,
			description: d.description,
			frozenFen: d.frozenFen,
			askedRefundFen: d.askedRefundFen,
			counterFen: d.counterFen,
			escalatedBy: d.escalatedBy,
			filedAt: d.filedAt.toISOString(),
			since: d.since.toISOString(),
			dueAt: iso(d.dueAt),
			late: rulingLate(d, now),
			outcome: d.outcomeKind
				? {
						kind: d.outcomeKind,
						refundFen: d.outcomeRefundFen ?? 0,
						releaseFen: d.outcomeReleaseFen ?? 0,
						by: d.outcomeBy,
						reason: d.rulingReason,
						replacementDueAt: iso(d.replacementDueAt),
						closedAt: iso(d.closedAt)
					}
				: null,
			version: d.version
		},
		order,
		manifest: [...v.lines]
			.sort((a, b) => a.lineId.localeCompare(b.lineId))
			.map((l) => {
				const ol = linesById.get(l.lineId);
				return {
					lineId: l.lineId,
					title: ol?.title ?? '',
					grade: ol?.grade ?? '',
					lineQuantity: ol?.quantity ?? 0,
					quantity: l.quantity,
					problem: l.problem,
					lossBp: l.lossBp,
					frozenFen: l.frozenFen
				};
			}),
		inspection,
		sealed,
		conversations,
		returnLeg:
			d.returnCarrier || d.returnTrackingNo || d.pending
				? {
						carrier: d.returnCarrier,
						trackingNo: d.returnTrackingNo,
						shippedAt: iso(d.returnShippedAt)
					}
				: null,
		evidence: v.evidence,
		timeline,
		money
	};
}

/**
 * The ledger effect of a dispute for either party or an operator: the postings of its order's
 * escrow (paid in, released less the fee, refunded). Anyone else, or an unknown id: 404.
 */
export async function disputeMoney(p: Principal, rawId: unknown): Promise<TradeOrderMoney> {
	const v = await disputeView(p, rawId);
	return tradeOrderMoney(v.order.id);
}
