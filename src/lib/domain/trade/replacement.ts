/**
 * Replacement shipments of a trade order (issue 20), pure: what is owed, what it holds in
 * escrow, its freight and its clock. Two sources owe one:
 * - an exchange (a dispute's outcome): the disputed lines' affected pieces, holding the dispute's
 *   frozen escrow of those lines;
 * - the severe-defect rule (inspection: `severeDefectMinPieces` or more severe pieces): the
 *   pieces recorded severe, per line, holding their value (line amount × pieces / quantity,
 *   half up).
 * Either is due `inspection.replacementDueHours` after it arose. Shipping it (carrier +
 * tracking, before the deadline) releases the held escrow to the supplier less the fee; the
 * deadline passing refunds it to the buyer. The freight of a replacement is the supplier's: the
 * order's freight quote pro rata per piece (what the buyer paid the partner carrier for a piece
 * of this route), half up, charged when it ships.
 *
 *   due ─ship (before dueAt)→ shipped
 *    └──timeout (from dueAt)→ missed
 */
import { addHours, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';

export const REPLACEMENT_STATES = ['due', 'shipped', 'missed'] as const;
export type ReplacementState = (typeof REPLACEMENT_STATES)[number];
export type ReplacementSource = 'exchange' | 'severe_defect';

/** Half-up share: amount × num / den, to the fen (exact in BigInt). */
export function shareOf(amountFen: number, num: number, den: number): number {
	if (den <= 0) throw new RangeError('share of nothing');
	const q = (BigInt(amountFen) * BigInt(num) * 2n + BigInt(den)) / (2n * BigInt(den));
	return Number(q);
}

export interface HoldLine {
	lineId: string;
	/** Pieces to replace on the line. */
	pieces: number;
}

/**
 * The escrow a replacement holds per line: `pieces` of the line's `quantity` pieces of its
 * `lineFen`, half up, never more than the line. Lines without pieces are left out.
 */
export function replacementHolds(
	lines: readonly { lineId: string; quantity: number; lineFen: number }[],
	pieces: readonly HoldLine[]
): { lineId: string; quantity: number; heldFen: number }[] {
	const byId = new Map(lines.map((l) => [l.lineId, l]));
	const out: { lineId: string; quantity: number; heldFen: number }[] = [];
	for (const p of pieces) {
		if (p.pieces <= 0) continue;
		const l = byId.get(p.lineId);
		if (!l) throw new RangeError(`unknown line ${p.lineId}`);
		const q = Math.min(p.pieces, l.quantity);
		out.push({
			lineId: l.lineId,
			quantity: q,
			heldFen: Math.min(l.lineFen, shareOf(l.lineFen, q, l.quantity))
		});
	}
	return out;
}

/** Pieces recorded severe per line (the severe-defect rule's replacement). */
export function severePieces(
	results: readonly { lineId: string; result: 'pass' | 'minor' | 'severe' }[]
): HoldLine[] {
	const m = new Map<string, number>();
	for (const r of results) if (r.result === 'severe') m.set(r.lineId, (m.get(r.lineId) ?? 0) + 1);
	return [...m].map(([lineId, pieces]) => ({ lineId, pieces }));
}

/** The replacement's freight, charged to the supplier: the order's quote per piece, half up. */
export function replacementFreightFen(
	order: { freightFen: number; pieces: number },
	pieces: number
): number {
	if (order.pieces <= 0 || order.freightFen <= 0 || pieces <= 0) return 0;
	return shareOf(order.freightFen, Math.min(pieces, order.pieces), order.pieces);
}

/** When a replacement arising at `from` is due (policy `inspection.replacementDueHours`). */
export function replacementDueAt(from: Date, policy: TradePolicy = DEFAULT_TRADE_POLICY): Date {
	return addHours(from, policy.inspection.replacementDueHours);
}

export type ReplacementStep =
	| { ok: true; to: 'shipped' | 'missed' }
	| { ok: false; reason: 'illegal' | 'deadline_passed' | 'too_early' };

/** The supplier ships (before the deadline) or the deadline passes (the job's timeout). */
export function nextReplacement(
	r: { state: ReplacementState; dueAt: Date },
	action: 'ship' | 'timeout',
	now: Date
): ReplacementStep {
	if (r.state !== 'due') return { ok: false, reason: 'illegal' };
	const passed = now.getTime() >= r.dueAt.getTime();
	if (action === 'ship')
		return passed ? { ok: false, reason: 'deadline_passed' } : { ok: true, to: 'shipped' };
	return passed ? { ok: true, to: 'missed' } : { ok: false, reason: 'too_early' };
}

/**
 * What of each line belongs to replacements (Σ held per line, whatever their state: a due one
 * still holds it, a shipped or missed one has released or refunded it). Every other release of
 * the order (acceptance, the automatic one at the window's end, a dispute's filing) leaves this
 * much of each line alone, so no fen is released twice.
 */
export function replacementShares(
	lines: readonly { lineId: string; heldFen: number }[]
): Map<string, number> {
	const m = new Map<string, number>();
	for (const l of lines) m.set(l.lineId, (m.get(l.lineId) ?? 0) + l.heldFen);
	return m;
}
