/**
 * Disputes on a trade order (issue 20), pure: filing (within the inspection window), the line
 * manifest, the remedy asked, the answer / counter-offer / escalation / ruling transitions with
 * their clocks, the default ruling when the supplier does not answer, and the return leg. The
 * outcome says how the frozen escrow divides (refund + release = frozen), and a dispute has
 * exactly one outcome.
 *
 * Only the disputed lines' escrow is frozen: the order's other lines release as usual.
 *
 *   awaiting_answer ─accept→ (remedy granted)          ─┐
 *        │ counter → countered ─accept_counter→ closed  │  return_and_refund → returning
 *        │ reject  → rejected                           │     ship_back → confirm_return / assumed
 *        │ (no answer by 48 h → remedy granted)         ├→ closed (refund)
 *        └ escalate (either side) → escalated ─rule→ ───┘     (not shipped back in time → release)
 *   countered: no reply by the buyer's deadline → the counter-offer stands
 *   rejected:  no reply → released to the supplier
 */
import { addHours, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';

export const DISPUTE_PROBLEMS = [
	'wrong_item',
	'short',
	'defect_over_allowance',
	'not_as_sample',
	'damaged'
] as const;
export type DisputeProblem = (typeof DISPUTE_PROBLEMS)[number];

export const REMEDIES = ['partial_refund', 'return_and_refund', 'exchange'] as const;
export type Remedy = (typeof REMEDIES)[number];

export interface ManifestLine {
	lineId: string;
	/** Pieces affected. */
	quantity: number;
	problem: DisputeProblem;
	/** Estimated loss on the affected pieces, basis points (0–10000 = 0–100%). */
	lossBp: number;
}

export interface DisputeClaim {
	lines: ManifestLine[];
	remedy: Remedy;
	/** For a partial refund, the amount asked; omitted → the estimate from the manifest. */
	refundFen?: number;
}

/** What the dispute can draw on: the order's lines still in escrow. */
export interface DisputableLine {
	lineId: string;
	quantity: number;
	/** Held in escrow for the line (its frozen amount once disputed). */
	heldFen: number;
}

export interface DisputeError {
	code:
		| 'unknown_line'
		| 'duplicate_line'
		| 'quantity'
		| 'loss'
		| 'problem'
		| 'remedy'
		| 'refund'
		| 'empty';
	field: string;
	params: Record<string, number>;
}

/** Half-up share of an amount: amount × num / den, rounded to the fen. */
function shareOf(amountFen: number, num: number, den: number): number {
	return Math.floor((amountFen * num * 2 + den) / (2 * den));
}

/**
 * Validates a buyer's claim against the order lines and works out the frozen amount (the held
 * amount of every disputed line) and the refund asked: the amount given for a partial refund (or
 * the manifest's estimate: Σ held × affected/quantity × loss), the affected pieces' value for a
 * return, nothing for an exchange.
 */
export function checkClaim(
	lines: readonly DisputableLine[],
	claim: DisputeClaim
):
	| {
			ok: true;
			remedy: Remedy;
			frozenFen: number;
			askedRefundFen: number;
			estimateFen: number;
			lineIds: string[];
	  }
	| { ok: false; errors: DisputeError[] } {
	const errors: DisputeError[] = [];
	if (claim.lines.length === 0)
		errors.push({ code: 'empty', field: 'lines', params: { minimum: 1 } });
	if (!REMEDIES.includes(claim.remedy))
		errors.push({ code: 'remedy', field: 'remedy', params: {} });
	const byId = new Map(lines.map((l) => [l.lineId, l]));
	const seen = new Set<string>();
	let frozenFen = 0;
	let estimateFen = 0;
	let piecesValueFen = 0;
	claim.lines.forEach((m, i) => {
		const line = byId.get(m.lineId);
		if (!line)
			return void errors.push({ code: 'unknown_line', field: `lines.${i}.lineId`, params: {} });
		if (seen.has(m.lineId))
			return void errors.push({ code: 'duplicate_line', field: `lines.${i}.lineId`, params: {} });
		seen.add(m.lineId);
		let ok = true;
		if (!Number.isSafeInteger(m.quantity) || m.quantity < 1 || m.quantity > line.quantity) {
			errors.push({
				code: 'quantity',
				field: `lines.${i}.quantity`,
				params: { minimum: 1, maximum: line.quantity }
			});
			ok = false;
		}
		if (!Number.isInteger(m.lossBp) || m.lossBp < 0 || m.lossBp > 10000) {
			errors.push({
				code: 'loss',
				field: `lines.${i}.lossBp`,
				params: { minimum: 0, maximum: 10000 }
			});
			ok = false;
		}
		if (!DISPUTE_PROBLEMS.includes(m.problem)) {
			errors.push({ code: 'problem', field: `lines.${i}.problem`, params: {} });
			ok = false;
		}
		if (!ok) return;
		frozenFen += line.heldFen;
		const affected = shareOf(line.heldFen, m.quantity, line.quantity);
		piecesValueFen += affected;
		estimateFen += shareOf(affected, m.lossBp, 10000);
	});
	let askedRefundFen = 0;
	if (claim.remedy === 'partial_refund') {
		askedRefundFen = claim.refundFen ?? estimateFen;
		if (!Number.isSafeInteger(askedRefundFen) || askedRefundFen < 1 || askedRefundFen > frozenFen) {
			errors.push({
				code: 'refund',
				field: 'refundFen',
				params: { minimum: 1, maximum: frozenFen }
			});
		}
	} else if (claim.remedy === 'return_and_refund') {
		askedRefundFen = piecesValueFen;
	}
	if (errors.length > 0) return { ok: false, errors };
	return {
		ok: true,
		remedy: claim.remedy,
		frozenFen,
		askedRefundFen,
		estimateFen,
		lineIds: [...seen]
	};
}

// -------------------------------------------------------------------------- the machine

export const DISPUTE_STATES = [
	'awaiting_answer',
	'countered',
	'rejected',
	'escalated',
	'returning',
	'closed'
] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];

export type DisputeActor = 'buyer' | 'supplier' | 'operator' | 'system';

export type Ruling =
	| { kind: 'release' }
	| { kind: 'partial_refund'; refundFen: number }
	| { kind: 'return_and_refund'; refundFen: number }
	| { kind: 'exchange' };

export type DisputeAction =
	| { type: 'accept' }
	| { type: 'counter'; refundFen: number }
	| { type: 'reject' }
	| { type: 'accept_counter' }
	| { type: 'escalate' }
	| { type: 'withdraw' }
	| { type: 'rule'; ruling: Ruling }
	| { type: 'ship_back' }
	| { type: 'confirm_return' }
	| { type: 'timeout' };

/** How the frozen escrow ends: refundFen + releaseFen = the dispute's frozenFen. */
export interface Outcome {
	kind: 'release' | 'partial_refund' | 'return_and_refund' | 'exchange';
	refundFen: number;
	releaseFen: number;
	/** Who decided: the parties, the default (no answer, no reply, no return) or the operator. */
	by: 'agreement' | 'default' | 'operator';
	/** Exchange: the replacement shipment is due by then (freight the supplier's). */
	replacementDueAt: Date | null;
}

export interface Dispute {
	state: DisputeState;
	frozenFen: number;
	remedy: Remedy;
	askedRefundFen: number;
	filedAt: Date;
	/** When the current state began (its clock counts from here). */
	since: Date;
	counterFen: number | null;
	/** A return's outcome waits in `returning` until the goods are back. */
	pending: Outcome | null;
	returnShippedAt: Date | null;
	outcome: Outcome | null;
}

/** Opens a dispute from a checked claim. */
export function openDispute(
	claim: { remedy: Remedy; frozenFen: number; askedRefundFen: number },
	now: Date
): Dispute {
	return {
		state: 'awaiting_answer',
		frozenFen: claim.frozenFen,
		remedy: claim.remedy,
		askedRefundFen: claim.askedRefundFen,
		filedAt: now,
		since: now,
		counterFen: null,
		pending: null,
		returnShippedAt: null,
		outcome: null
	};
}

/** The deadline running in the dispute's state (null when none: closed). */
export function disputeDeadline(
	d: Dispute,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): Date | null {
	const p = policy.disputes;
	switch (d.state) {
		case 'awaiting_answer':
			return addHours(d.since, p.answerHours);
		case 'countered':
		case 'rejected':
			return addHours(d.since, p.buyerReplyHours);
		case 'escalated':
			return addHours(d.since, p.rulingHours);
		case 'returning':
			return d.returnShippedAt
				? addHours(d.returnShippedAt, p.returnAssumedReceivedHours)
				: addHours(d.since, p.returnShipHours);
		case 'closed':
			return null;
	}
}

/**
 * Whether a timeout is due at `now`. The ruling deadline is the operator's: it is shown and
 * sorts the queue, but passing it decides nothing (an arbitration needs a person), so it is not
 * "due" here.
 */
export function disputeDue(
	d: Dispute,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): boolean {
	if (d.state === 'closed' || d.state === 'escalated') return false;
	const at = disputeDeadline(d, policy);
	return at !== null && now.getTime() >= at.getTime();
}

/** The escalated dispute's ruling is late (for the operator queue). */
export function rulingOverdue(
	d: Dispute,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): boolean {
	return d.state === 'escalated' && now.getTime() >= disputeDeadline(d, policy)!.getTime();
}

export type DisputeRefusal = {
	ok: false;
	reason: 'illegal' | 'wrong_actor' | 'deadline_passed' | 'too_early' | 'bad_amount';
};

function outcomeOf(
	d: Dispute,
	ruling: Ruling,
	by: Outcome['by'],
	now: Date,
	policy: TradePolicy
): Outcome | null {
	const refund =
		ruling.kind === 'partial_refund' || ruling.kind === 'return_and_refund' ? ruling.refundFen : 0;
	if (!Number.isSafeInteger(refund) || refund < 0 || refund > d.frozenFen) return null;
	if (ruling.kind === 'partial_refund' && refund < 1) return null;
	return {
		kind: ruling.kind,
		refundFen: refund,
		releaseFen: d.frozenFen - refund,
		by,
		replacementDueAt:
			ruling.kind === 'exchange' ? addHours(now, policy.inspection.replacementDueHours) : null
	};
}

/** The buyer's remedy as asked, as a ruling. */
function askedRuling(d: Dispute): Ruling {
	switch (d.remedy) {
		case 'partial_refund':
			return { kind: 'partial_refund', refundFen: d.askedRefundFen };
		case 'return_and_refund':
			return { kind: 'return_and_refund', refundFen: d.askedRefundFen };
		case 'exchange':
			return { kind: 'exchange' };
	}
}

function settle(d: Dispute, o: Outcome, now: Date): Dispute {
	// A return waits for the goods; everything else closes now.
	if (o.kind === 'return_and_refund') {
		return { ...d, state: 'returning', since: now, pending: o, returnShippedAt: null };
	}
	return { ...d, state: 'closed', since: now, outcome: o, pending: null };
}

const ACTORS: Record<DisputeAction['type'], DisputeActor[]> = {
	accept: ['supplier'],
	counter: ['supplier'],
	reject: ['supplier'],
	accept_counter: ['buyer'],
	escalate: ['buyer', 'supplier'],
	withdraw: ['buyer'],
	rule: ['operator'],
	ship_back: ['buyer'],
	confirm_return: ['supplier', 'operator'],
	timeout: ['system']
};

/**
 * The next dispute, or why not. Every action but `rule` and `timeout` must beat the state's
 * deadline; `timeout` is refused before it (and in `escalated`, see `disputeDue`).
 */
export function nextDispute(
	d: Dispute,
	action: DisputeAction,
	actor: DisputeActor,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): { ok: true; dispute: Dispute } | DisputeRefusal {
	if (d.state === 'closed') return { ok: false, reason: 'illegal' };
	if (!ACTORS[action.type].includes(actor)) return { ok: false, reason: 'wrong_actor' };
	const deadline = disputeDeadline(d, policy);
	const passed = deadline !== null && now.getTime() >= deadline.getTime();
	const ok = (dispute: Dispute) => ({ ok: true as const, dispute });
	const illegal: DisputeRefusal = { ok: false, reason: 'illegal' };

	if (action.type === 'timeout') {
		if (!disputeDue(d, now, policy)) {
			return { ok: false, reason: d.state === 'escalated' ? 'illegal' : 'too_early' };
		}
		switch (d.state) {
			case 'awaiting_answer':
				// No answer: the buyer's remedy is granted.
				return ok(settle(d, outcomeOf(d, askedRuling(d), 'default', now, policy)!, now));
			case 'countered':
				return ok(
					settle(
						d,
						outcomeOf(
							d,
							{ kind: 'partial_refund', refundFen: d.counterFen! },
							'default',
							now,
							policy
						)!,
						now
					)
				);
			case 'rejected':
				return ok(settle(d, outcomeOf(d, { kind: 'release' }, 'default', now, policy)!, now));
			case 'returning': {
				if (d.returnShippedAt) {
					// Assumed received: refund as ruled.
					return ok({ ...d, state: 'closed', since: now, outcome: d.pending, pending: null });
				}
				// Not shipped back in time: the goods stay with the buyer and the supplier is paid.
				return ok({
					...d,
					state: 'closed',
					since: now,
					pending: null,
					outcome: { ...outcomeOf(d, { kind: 'release' }, 'default', now, policy)! }
				});
			}
			default:
				return illegal;
		}
	}

	if (action.type !== 'rule' && passed) return { ok: false, reason: 'deadline_passed' };

	switch (action.type) {
		case 'accept':
			if (d.state !== 'awaiting_answer') return illegal;
			return ok(settle(d, outcomeOf(d, askedRuling(d), 'agreement', now, policy)!, now));
		case 'counter':
			if (d.state !== 'awaiting_answer') return illegal;
			if (
				!Number.isSafeInteger(action.refundFen) ||
				action.refundFen < 1 ||
				action.refundFen > d.frozenFen
			) {
				return { ok: false, reason: 'bad_amount' };
			}
			return ok({ ...d, state: 'countered', since: now, counterFen: action.refundFen });
		case 'reject':
			if (d.state !== 'awaiting_answer') return illegal;
			return ok({ ...d, state: 'rejected', since: now });
		case 'accept_counter':
			if (d.state !== 'countered') return illegal;
			return ok(
				settle(
					d,
					outcomeOf(
						d,
						{ kind: 'partial_refund', refundFen: d.counterFen! },
						'agreement',
						now,
						policy
					)!,
					now
				)
			);
		case 'escalate':
			if (d.state !== 'awaiting_answer' && d.state !== 'countered' && d.state !== 'rejected')
				return illegal;
			return ok({ ...d, state: 'escalated', since: now });
		case 'withdraw':
			if (d.state !== 'awaiting_answer' && d.state !== 'countered' && d.state !== 'rejected')
				return illegal;
			return ok(settle(d, outcomeOf(d, { kind: 'release' }, 'agreement', now, policy)!, now));
		case 'rule': {
			if (d.state !== 'escalated') return illegal;
			const o = outcomeOf(d, action.ruling, 'operator', now, policy);
			if (!o) return { ok: false, reason: 'bad_amount' };
			return ok(settle(d, o, now));
		}
		case 'ship_back':
			if (d.state !== 'returning' || d.returnShippedAt) return illegal;
			return ok({ ...d, returnShippedAt: now });
		case 'confirm_return':
			if (d.state !== 'returning' || !d.returnShippedAt) return illegal;
			return ok({ ...d, state: 'closed', since: now, outcome: d.pending, pending: null });
	}
}

/** Can a dispute be filed on an order that arrived at `arrivedAt`? (Within the inspection window.) */
export function canFile(
	arrivedAt: Date | null,
	now: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
):
	| { ok: true; closesAt: Date }
	| { ok: false; reason: 'not_arrived' | 'window_closed'; closesAt: Date | null } {
	if (!arrivedAt) return { ok: false, reason: 'not_arrived', closesAt: null };
	const closesAt = addHours(arrivedAt, policy.orders.inspectionWindowHours);
	if (now.getTime() >= closesAt.getTime()) return { ok: false, reason: 'window_closed', closesAt };
	return { ok: true, closesAt };
}

/**
 * Divides a refund over the disputed lines in proportion to what each holds (largest remainder,
 * ties to the earlier line), so the line-level escrow postings add up to the outcome exactly.
 */
export function allocateRefund(
	lines: readonly { lineId: string; heldFen: number }[],
	refundFen: number
): { lineId: string; refundFen: number }[] {
	const total = lines.reduce((s, l) => s + l.heldFen, 0);
	if (!Number.isSafeInteger(refundFen) || refundFen < 0 || refundFen > total) {
		throw new RangeError(`cannot refund ${refundFen} of ${total}`);
	}
	if (total === 0) return lines.map((l) => ({ lineId: l.lineId, refundFen: 0 }));
	const parts = lines.map((l, i) => {
		const exact = BigInt(l.heldFen) * BigInt(refundFen);
		const base = Number(exact / BigInt(total));
		const rem = Number(exact % BigInt(total));
		return { i, lineId: l.lineId, refundFen: base, rem };
	});
	let left = refundFen - parts.reduce((s, p) => s + p.refundFen, 0);
	for (const p of [...parts].sort((a, b) => b.rem - a.rem || a.i - b.i)) {
		if (left === 0) break;
		p.refundFen++;
		left--;
	}
	return parts.map(({ lineId, refundFen: r }) => ({ lineId, refundFen: r }));
}
