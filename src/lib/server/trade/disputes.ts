// Disputes on a trade order (issue 20, docs/TRADE.md "Disputes: the service"): filing within the
// inspection window with a line manifest, the supplier's answer, the buyer's reply, escalation,
// the operator's ruling, the return leg, and the timers. The pure rules are domain
// trade/dispute.ts; this file writes trade_disputes / trade_dispute_lines, moves the order through
// `move` (`dispute` → `resolve`) and posts the escrow split as `trade.money`.
//
// Partial freeze: filing a dispute names the lines in question; the buyer accepts the others by
// filing (the issue's "on the buyer's acceptance"), so their escrow (and the freight) releases in
// the filing transaction, while the disputed lines stay in escrow until the dispute closes:
// refund part + release part = frozen, posted per line (largest-remainder spread).
import { runDue } from './due-loop';
import { formatFen } from '$lib/i18n';
import zhDisputes from '$lib/i18n/zh-CN/trade-dispute-pages';
import { and, asc, eq, isNotNull, isNull, lte, notInArray, sql } from 'drizzle-orm';
import {
	allocateRefund,
	canFile,
	checkClaim,
	disputeDeadline,
	disputeDue,
	nextDispute,
	openDispute,
	type Dispute,
	type DisputeAction,
	type DisputeActor,
	type DisputeClaim,
	type DisputeRefusal,
	type Outcome
} from '$lib/domain/trade/dispute';
import { refundItem, releaseAmounts, type TradePosting } from '$lib/domain/trade/escrow';
import type { TradePolicy } from '$lib/domain/trade/policy';
import type { DisputeError } from '$lib/domain/trade/dispute';
import type { MessageKey } from '$lib/i18n';
import type { Principal } from '../auth/principal';
import type { Tx } from '../db';
import { tradeDisputeLines, tradeDisputes, tradeOrderLines, tradeOrders } from '../db/schema';
import { AppError } from '../errors';
import { publishCommitted, publishInTx, transaction } from '../events/bus';
import { isUuid } from '../ids';
import { currentPolicy } from '../platform/policy';
import { attachEvidence, evidenceOf } from './dispute-evidence';
import { systemMessage } from './messages';
import { openReplacement } from './replacements';
import { replacementSharesOf } from './replacement-shares';
import { settle } from '../stock';
import type { LotCounterRow } from '../stock/watch';
import { orderFor, sideOf } from './sides';
import {
	escrowBook,
	moveOrder,
	publishMoved,
	queueCashRefund,
	type MoveResult,
	type TradeOrderRow
} from './transition';

/** The catalogue key of each manifest problem (`checkClaim`'s codes). */
const CLAIM_ERROR_KEY = {
	unknown_line: 'trade.dispute.err.unknown_line',
	duplicate_line: 'trade.dispute.err.duplicate_line',
	quantity: 'trade.dispute.err.quantity',
	loss: 'trade.dispute.err.loss',
	problem: 'trade.dispute.err.problem',
	remedy: 'trade.dispute.err.remedy',
	refund: 'trade.dispute.err.refund',
	empty: 'trade.dispute.err.empty'
} as const satisfies Record<DisputeError['code'], MessageKey>;

export type DisputeRow = typeof tradeDisputes.$inferSelect;

/** What a filing carries besides the manifest: the buyer's account and evidence uploads. */
export interface FilingExtras {
	description?: string;
	evidence?: readonly { uploadId: string }[];
}

/** After commit: `trade.dispute.changed` (both sides' rooms) for a dispute row as written. */
export function disputeChanged(
	row: DisputeRow,
	order: Pick<TradeOrderRow, 'buyerOrgId' | 'supplierId'>,
	now: Date
) {
	publishCommitted('trade.dispute.changed', {
		id: row.id,
		orderId: row.orderId,
		state: row.state,
		version: row.version,
		buyerOrgId: order.buyerOrgId,
		supplierId: order.supplierId,
		dueAt: row.dueAt,
		at: now
	});
}

export const disputeNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.dispute.err.not_found', { field: 'disputeId' });

/** The row as the domain's dispute. */
export function asDomain(r: DisputeRow): Dispute {
	return {
		state: r.state,
		frozenFen: r.frozenFen,
		remedy: r.remedy,
		askedRefundFen: r.askedRefundFen,
		filedAt: r.filedAt,
		since: r.since,
		counterFen: r.counterFen,
		pending: r.pending ? outcomeFromJson(r.pending) : null,
		returnShippedAt: r.returnShippedAt,
		outcome: r.outcomeKind
			? {
					kind: r.outcomeKind,
					refundFen: r.outcomeRefundFen ?? 0,
					releaseFen: r.outcomeReleaseFen ?? 0,
					by: r.outcomeBy ?? 'default',
					replacementDueAt: r.replacementDueAt
				}
			: null
	};
}

function outcomeFromJson(j: Record<string, unknown>): Outcome {
	return {
		kind: j.kind as Outcome['kind'],
		refundFen: Number(j.refundFen),
		releaseFen: Number(j.releaseFen),
		by: j.by as Outcome['by'],
		replacementDueAt: typeof j.replacementDueAt === 'string' ? new Date(j.replacementDueAt) : null
	};
}

function outcomeToJson(o: Outcome): Record<string, unknown> {
	return { ...o, replacementDueAt: o.replacementDueAt?.toISOString() ?? null };
}

function refusal(r: DisputeRefusal, state: string): AppError {
	switch (r.reason) {
		case 'wrong_actor':
			return new AppError('forbidden', 'wrong_actor', 'trade.dispute.err.wrong_actor', {
				params: { state }
			});
		case 'deadline_passed':
			return new AppError('conflict', 'deadline_passed', 'trade.dispute.err.deadline_passed', {
				params: { state }
			});
		case 'bad_amount':
			return new AppError('rule', 'bad_amount', 'trade.dispute.err.amount', {
				field: 'refundFen'
			});
		case 'too_early':
		case 'illegal':
			return new AppError('conflict', 'dispute_state', 'trade.dispute.err.state', {
				params: { state }
			});
	}
}

/**
 * The buyer files a dispute on an order (within the inspection window): checks the manifest,
 * moves the order to `disputed`, releases the undisputed lines and the freight, and writes the
 * dispute with its lines — one transaction, nothing written on a refusal.
 */
export async function fileDispute(
	p: Principal,
	rawOrderId: unknown,
	claim: DisputeClaim & FilingExtras,
	now: Date = new Date(),
	policy: TradePolicy = currentPolicy().trade
): Promise<DisputeRow> {
	const { row, moved } = await transaction(async (tx) => {
		const { order, side } = await orderFor(p, rawOrderId, tx, true);
		if (side !== 'buyer') {
			throw new AppError('forbidden', 'wrong_actor', 'trade.dispute.err.buyer_only', {
				field: 'orderId'
			});
		}
		const window = canFile(order.arrivedAt, now, policy);
		if (!window.ok || (order.state !== 'arrived' && order.state !== 'inspecting')) {
			throw new AppError('rule', 'window_closed', 'trade.dispute.err.window', {
				field: 'orderId'
			});
		}
		const lines = await tx
			.select()
			.from(tradeOrderLines)
			.where(eq(tradeOrderLines.orderId, order.id))
			.orderBy(asc(tradeOrderLines.lotId));
		// A replacement's pieces (severe-defect rule) are held for it, not for the dispute.
		const shares = await replacementSharesOf(tx, order.id);
		const heldOf = (l: { id: string; lineFen: number }) => l.lineFen - (shares.get(l.id) ?? 0);
		const checked = checkClaim(
			lines.map((l) => ({ lineId: l.id, quantity: l.quantity, heldFen: heldOf(l) })),
			claim
		);
		if (!checked.ok) {
			const e = checked.errors[0]!;
			throw new AppError('invalid', 'invalid_input', CLAIM_ERROR_KEY[e.code], {
				field: e.field,
				params: e.params,
				issues: checked.errors.map((x) => ({
					field: x.field,
					message: CLAIM_ERROR_KEY[x.code],
					params: x.params
				}))
			});
		}
		const d = openDispute(checked, now);
		const moved = await moveOrder(tx, {
			orderId: order.id,
			action: 'dispute',
			actor: { party: 'buyer', userId: p.userId },
			now,
			policy
		});
		if (order.paymentMode === 'escrow') {
			const disputed = new Set(checked.lineIds);
			const { book } = escrowBook(order, lines);
			const rest = book.items
				.filter((i) => !disputed.has(i.itemId))
				.map((i) => ({ itemId: i.itemId, amountFen: i.amountFen - (shares.get(i.itemId) ?? 0) }))
				.filter((x) => x.amountFen > 0);
			if (rest.length > 0) {
				const r = releaseAmounts(book, rest);
				await postMoney(tx, order, 'trade_release', 'release-undisputed', r.postings, now);
			}
		}
		const [row] = await tx
			.insert(tradeDisputes)
			.values({
				orderId: order.id,
				state: d.state,
				remedy: d.remedy,
				frozenFen: d.frozenFen,
				askedRefundFen: d.askedRefundFen,
				description: claim.description?.trim() || null,
				filedBy: p.userId,
				filedAt: now,
				since: now,
				dueAt: disputeDeadline(d, policy)
			})
			.returning();
		const byId = new Map(lines.map((l) => [l.id, l]));
		await tx.insert(tradeDisputeLines).values(
			claim.lines.map((m) => ({
				disputeId: row!.id,
				lineId: m.lineId,
				quantity: m.quantity,
				problem: m.problem,
				lossBp: m.lossBp,
				frozenFen: heldOf(byId.get(m.lineId)!)
			}))
		);
		// The evidence named when filing (finished uploads for this order); a refusal undoes all.
		await attachEvidence(tx, p, row!, 'buyer', claim.evidence ?? [], now, policy);
		await systemMessage(
			tx,
			{ kind: 'dispute', id: row!.id },
			`采购商发起纠纷：${claim.lines.length} 行，要求${zhOf('remedy', d.remedy)}，冻结 ${yuan(d.frozenFen)}。`,
			now
		);
		return { row: row!, moved };
	});
	publishMoved([moved]);
	disputeChanged(row, moved.row, now);
	return row;
}

export interface DisputeActionInput {
	action: Exclude<DisputeAction, { type: 'timeout' }>;
	reason?: string;
	carrier?: string;
	trackingNo?: string;
}

/**
 * The caller's dispute and side; 404 when it is not theirs. Locked (FOR UPDATE) for a step;
 * `lock: false` for a read, which must not queue behind a step or the timer job.
 */
export async function disputeFor(tx: Tx, p: Principal, rawId: unknown, lock = true) {
	if (typeof rawId !== 'string' || !isUuid(rawId)) throw disputeNotFound();
	const q = tx.select().from(tradeDisputes).where(eq(tradeDisputes.id, rawId));
	const [row] = lock ? await q.for('update') : await q;
	if (!row) throw disputeNotFound();
	const [order] = await tx.select().from(tradeOrders).where(eq(tradeOrders.id, row.orderId));
	const side = order ? sideOf(p, order) : null;
	if (!order || !side) throw disputeNotFound();
	return { row, order, side };
}

/** A party's (or the operator's) step on a dispute; closes it (money + `resolve`) when settled. */
export async function actOnDispute(
	p: Principal,
	rawId: unknown,
	input: DisputeActionInput,
	now: Date = new Date(),
	policy: TradePolicy = currentPolicy().trade
): Promise<DisputeRow> {
	const { row, moved, order } = await transaction(async (tx) => {
		const { row, order, side } = await disputeFor(tx, p, rawId);
		if (input.action.type === 'rule' && !input.reason?.trim()) {
			throw new AppError('invalid', 'invalid_input', 'trade.dispute.err.reason', {
				field: 'reason'
			});
		}
		if (
			input.action.type === 'ship_back' &&
			(!input.carrier?.trim() || !input.trackingNo?.trim())
		) {
			throw new AppError('invalid', 'invalid_input', 'trade.dispute.err.tracking', {
				field: input.carrier?.trim() ? 'trackingNo' : 'carrier'
			});
		}
		return { ...(await apply(tx, row, order, input, side, p.userId, now, policy)), order };
	});
	if (moved) publishMoved([moved]);
	disputeChanged(row, order, now);
	return row;
}

async function apply(
	tx: Tx,
	row: DisputeRow,
	order: TradeOrderRow,
	input: { action: DisputeAction; reason?: string; carrier?: string; trackingNo?: string },
	actor: DisputeActor,
	userId: string | null,
	now: Date,
	policy: TradePolicy
): Promise<{ row: DisputeRow; moved: MoveResult | null }> {
	const step = nextDispute(asDomain(row), input.action, actor, now, policy);
	if (!step.ok) throw refusal(step, row.state);
	const d = step.dispute;
	const patch: Partial<typeof tradeDisputes.$inferInsert> = {
		state: d.state,
		since: d.since,
		counterFen: d.counterFen,
		pending: d.pending ? outcomeToJson(d.pending) : null,
		returnShippedAt: d.returnShippedAt,
		dueAt: disputeDeadline(d, policy),
		version: row.version + 1
	};
	if (input.action.type === 'escalate')
		patch.escalatedBy = actor === 'buyer' ? 'buyer' : 'supplier';
	if (input.action.type === 'rule') {
		patch.rulingReason = input.reason ?? null;
		patch.ruledBy = userId;
	}
	if (input.action.type === 'ship_back') {
		patch.returnCarrier = input.carrier ?? null;
		patch.returnTrackingNo = input.trackingNo ?? null;
	}
	const outcome = d.state === 'closed' ? d.outcome : null;
	if (outcome) {
		patch.outcomeKind = outcome.kind;
		patch.outcomeRefundFen = outcome.refundFen;
		patch.outcomeReleaseFen = outcome.releaseFen;
		patch.outcomeBy = outcome.by;
		patch.replacementDueAt = outcome.replacementDueAt;
		patch.closedAt = now;
	}
	const [after] = await tx
		.update(tradeDisputes)
		.set(patch)
		.where(and(eq(tradeDisputes.id, row.id), eq(tradeDisputes.version, row.version)))
		.returning();
	if (!after) throw new Error(`dispute ${row.id} changed under its row lock`);
	await systemMessage(tx, { kind: 'dispute', id: row.id }, stepText(actor, input, after), now);
	let moved: MoveResult | null = null;
	if (outcome) {
		await settleFrozen(tx, after, order, outcome, now);
		moved = await moveOrder(tx, {
			orderId: order.id,
			action: 'resolve',
			actor: { party: actor === 'operator' ? 'operator' : 'system', userId },
			now,
			policy,
			note: `dispute:${outcome.kind}`
		});
		// A return closed with the goods back (confirmed or assumed received): restock, after
		// the order row (the lock order order → lots).
		if (outcome.kind === 'return_and_refund' && row.state === 'returning' && row.returnShippedAt) {
			moved.stock.push(...(await restock(tx, after, now)));
		}
	}
	return { row: after, moved };
}

const PARTY_ZH: Record<DisputeActor, string> = {
	buyer: '采购商',
	supplier: '供应商',
	operator: '平台运营',
	system: '系统'
};

/** The dispute step as a line in the conversation record (zh-CN, the record's language). */
/** The system lines of the dispute's record are Chinese, with labels and yuan, not codes. */
const ACTION_ZH: Record<DisputeAction['type'], string> = {
	accept: '接受采购商的处理要求',
	counter: '还价',
	reject: '拒绝',
	accept_counter: '接受还价',
	escalate: '申请平台仲裁',
	withdraw: '撤回纠纷',
	rule: '裁决',
	ship_back: '退货已发出',
	confirm_return: '确认收到退货',
	timeout: '期限已到'
};
const yuan = (fen: number) => formatFen(fen, 'zh-CN');
const zhOf = (group: 'state' | 'remedy' | 'outcome', code: string): string =>
	(zhDisputes as Record<string, string>)[`disputes.${group}.${code}`] ?? code;

function stepText(
	actor: DisputeActor,
	input: { action: DisputeAction; reason?: string; trackingNo?: string; carrier?: string },
	after: DisputeRow
): string {
	const a = input.action;
	const what =
		a.type === 'counter'
			? `还价部分退款 ${yuan(a.refundFen)}`
			: a.type === 'rule'
				? `裁决${zhOf('outcome', a.ruling.kind)}${'refundFen' in a.ruling ? ` 退款 ${yuan(a.ruling.refundFen)}` : ''}；理由：${input.reason ?? ''}`
				: a.type === 'ship_back'
					? `退货已发出 ${input.carrier ?? ''} ${input.trackingNo ?? ''}`
					: ACTION_ZH[a.type];
	const closed = after.outcomeKind
		? `；结案（${zhOf('outcome', after.outcomeKind)}），退款 ${yuan(after.outcomeRefundFen ?? 0)}，放款 ${yuan(after.outcomeReleaseFen ?? 0)}`
		: '';
	return `${PARTY_ZH[actor]}：${what} → ${zhOf('state', after.state)}${closed}`;
}

/**
 * The returned pieces back on the lots' shelves through the stock module: per disputed line, the
 * manifest's affected quantity (on hand +quantity, lots in id order). Once per dispute: the
 * conditional update on `restocked_at` lets one caller through even if two closed it.
 */
async function restock(tx: Tx, dispute: DisputeRow, now: Date): Promise<LotCounterRow[]> {
	const [first] = await tx
		.update(tradeDisputes)
		.set({ restockedAt: now })
		.where(and(eq(tradeDisputes.id, dispute.id), isNull(tradeDisputes.restockedAt)))
		.returning({ id: tradeDisputes.id });
	if (!first) return [];
	const rows = await tx
		.select({ lotId: tradeOrderLines.lotId, quantity: tradeDisputeLines.quantity })
		.from(tradeDisputeLines)
		.innerJoin(tradeOrderLines, eq(tradeOrderLines.id, tradeDisputeLines.lineId))
		.where(eq(tradeDisputeLines.disputeId, dispute.id));
	const perLot = new Map<string, number>();
	for (const r of rows) perLot.set(r.lotId, (perLot.get(r.lotId) ?? 0) + r.quantity);
	const out: LotCounterRow[] = [];
	for (const [lotId, q] of [...perLot].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const after = await settle(tx, lotId, { onHand: 1, allocated: 0 }, q);
		if (after) out.push(after);
	}
	return out;
}

/** The frozen lines' escrow: the refund spread per line, the rest released to the supplier. */
async function settleFrozen(
	tx: Tx,
	dispute: DisputeRow,
	order: TradeOrderRow,
	outcome: Outcome,
	now: Date
): Promise<void> {
	const frozen = await tx
		.select()
		.from(tradeDisputeLines)
		.where(eq(tradeDisputeLines.disputeId, dispute.id))
		.orderBy(asc(tradeDisputeLines.lineId));
	if (outcome.kind === 'exchange') {
		// The frozen escrow waits for the replacement: released when it ships, refunded when
		// its deadline passes (replacements.ts). A terms order's replacement holds nothing.
		await openReplacement(tx, order, {
			source: 'exchange',
			disputeId: dispute.id,
			lines: frozen.map((f) => ({ lineId: f.lineId, quantity: f.quantity, heldFen: f.frozenFen })),
			dueAt: outcome.replacementDueAt ?? now,
			now
		});
		return;
	}
	if (order.paymentMode !== 'escrow') return;
	const lines = await tx
		.select()
		.from(tradeOrderLines)
		.where(eq(tradeOrderLines.orderId, order.id))
		.orderBy(asc(tradeOrderLines.lotId));
	// A fresh book: only the dispute ever touches the frozen lines after filing.
	let { book } = escrowBook(order, lines);
	if (outcome.refundFen > 0) {
		const postings: TradePosting[] = [];
		for (const part of allocateRefund(
			frozen.map((f) => ({ lineId: f.lineId, heldFen: f.frozenFen })),
			outcome.refundFen
		)) {
			if (part.refundFen === 0) continue;
			const r = refundItem(book, part.lineId, part.refundFen);
			book = r.book;
			postings.push(...r.postings);
		}
		await postMoney(tx, order, 'trade_refund', `dispute-refund`, postings, now);
		await queueCashRefund(
			tx,
			order.id,
			postings,
			'dispute',
			`trade:${order.id}:dispute-refund`,
			now
		);
	}
	if (outcome.releaseFen > 0) {
		const refunded = new Map<string, number>();
		for (const i of book.items) refunded.set(i.itemId, i.refundedCashFen + i.refundedCreditFen);
		const r = releaseAmounts(
			book,
			frozen.map((f) => ({
				itemId: f.lineId,
				amountFen: f.frozenFen - (refunded.get(f.lineId) ?? 0)
			}))
		);
		await postMoney(tx, order, 'trade_release', 'dispute-release', r.postings, now);
	}
}

async function postMoney(
	tx: Tx,
	order: TradeOrderRow,
	kind: 'trade_release' | 'trade_refund',
	what: string,
	postings: TradePosting[],
	now: Date
): Promise<void> {
	if (postings.length === 0) return;
	await publishInTx(tx, 'trade.money', {
		kind,
		key: `trade:${order.id}:${what}`,
		at: now,
		orderId: order.id,
		buyerOrgId: order.buyerOrgId,
		supplierId: order.supplierId,
		memo: `#${order.number}`,
		postings
	});
}

/**
 * The dispute timer job: every open dispute whose deadline passed (not escalated: a ruling needs
 * a person) gets its timeout (domain `nextDispute(timeout)`): no answer → the buyer's remedy,
 * counter-offer not taken → it stands, rejection not escalated → release, return not shipped →
 * release, shipped and not confirmed → assumed received, refund. Safe on several nodes: each
 * dispute is claimed FOR UPDATE SKIP LOCKED in its own transaction and re-checked under the lock.
 */
export async function runDisputeTimers(
	now: Date = new Date(),
	limit = 200,
	policy: TradePolicy = currentPolicy().trade
): Promise<{ moved: number }> {
	return runDue(
		'dispute timer',
		limit,
		async (tx, passed, claim) => {
			const [row] = await tx
				.select()
				.from(tradeDisputes)
				.where(
					and(
						isNotNull(tradeDisputes.dueAt),
						lte(tradeDisputes.dueAt, now),
						notInArray(tradeDisputes.state, ['closed', 'escalated']),
						passed.length ? notInArray(tradeDisputes.id, [...passed]) : sql`true`
					)
				)
				.orderBy(asc(tradeDisputes.dueAt))
				.limit(1)
				.for('update', { skipLocked: true });
			if (!row) return null;
			claim(row.id);
			if (!disputeDue(asDomain(row), now, policy)) return false;
			const [order] = await tx.select().from(tradeOrders).where(eq(tradeOrders.id, row.orderId));
			const r = await apply(
				tx,
				row,
				order!,
				{ action: { type: 'timeout' } },
				'system',
				null,
				now,
				policy
			);
			return { ...r, order: order! };
		},
		(r) => {
			if (r.moved) publishMoved([r.moved]);
			disputeChanged(r.row, r.order, now);
		}
	);
}

/** A dispute the caller may see, with its lines; 404 otherwise. */
export async function disputeView(p: Principal, rawId: unknown) {
	return transaction(async (tx) => {
		const { row, order, side } = await disputeFor(tx, p, rawId, false);
		const lines = await tx
			.select()
			.from(tradeDisputeLines)
			.where(eq(tradeDisputeLines.disputeId, row.id));
		const evidence = await evidenceOf(tx, row.id);
		return { dispute: row, order, side, lines, evidence };
	});
}

/**
 * A party adds evidence to its open dispute (`POST /disputes/:id/evidence`, raw
 * `{evidence:[{uploadId}]}`): the files go in with a line in the dispute's record and a new
 * version (both sides' pages refetch). Someone else's dispute → 404; an operator → 403; closed →
 * 409 `dispute_state`; an upload refused → 422 at its field, nothing written.
 */
export async function addEvidence(
	p: Principal,
	rawId: unknown,
	items: readonly { uploadId: string }[],
	now: Date = new Date(),
	policy: TradePolicy = currentPolicy().trade
) {
	const { row, order, added } = await transaction(async (tx) => {
		const { row, order, side } = await disputeFor(tx, p, rawId);
		if (side === 'operator')
			throw new AppError('forbidden', 'wrong_actor', 'trade.dispute.err.evidence_party', {
				field: 'evidence'
			});
		if (row.state === 'closed')
			throw new AppError('conflict', 'dispute_state', 'trade.dispute.err.evidence_closed', {
				field: 'evidence'
			});
		const added = await attachEvidence(tx, p, row, side, items, now, policy);
		const [after] = await tx
			.update(tradeDisputes)
			.set({ version: row.version + 1 })
			.where(and(eq(tradeDisputes.id, row.id), eq(tradeDisputes.version, row.version)))
			.returning();
		await systemMessage(
			tx,
			{ kind: 'dispute', id: row.id },
			`${PARTY_ZH[side]}：补充证据 ${added.map((e) => e.name).join('、')}`,
			now
		);
		return { row: after!, order, added };
	});
	disputeChanged(row, order, now);
	return { dispute: row, added };
}
