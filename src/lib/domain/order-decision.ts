/**
 * Pure rules of order placement: whether one consumer order of a show can be placed whole
 * against what is left of its lots and the show's locks, and what it takes from each. The
 * orders module reads the state under row locks, decides a batch's orders in arrival order
 * here, and writes the takes (see docs/ORDERS.md).
 */
import { available, planConsumption } from './locks';
import { resolveCommissionBp } from './ledger';
import type { Policy } from './policy';

/** What a decision needs of a lot (its counters change as the batch's orders take units). */
export interface DecisionLot {
	id: string;
	status: string;
	dropshipAllowed: boolean;
	commissionBp: number;
	onHand: number;
	locked: number;
	allocated: number;
}

/** An active lock of the show on a lot, oldest first; `take` sums what the batch took of it. */
export interface DecisionLock {
	id: string;
	lotId: string;
	quantity: number;
	consumed: number;
	take: number;
}

export interface DecisionLine {
	lotId: string;
	quantity: number;
}

/** Why an order is refused: an error the orders module turns into its HTTP answer. */
export interface Refusal {
	kind: 'conflict' | 'rule' | 'not_found';
	code: string;
	/** i18n catalogue key. */
	message: string;
	field: string;
	details?: Record<string, unknown>;
	params?: Record<string, string | number>;
}

export interface LotTakePlan {
	lotId: string;
	fromLocks: number;
	fromFree: number;
	/** Units taken of each lock, FIFO. */
	perLock: [string, number][];
}

export type OrderVerdict =
	| { ok: false; refusal: Refusal }
	| {
			ok: true;
			takes: LotTakePlan[];
			/** Units of each line drawn from free stock (by line index). */
			freeByLine: number[];
			/** Host commission of each line: the show's deal, else the lot's rate, within the band. */
			commissionByLine: number[];
	  };

const refuse = (
	kind: Refusal['kind'],
	code: string,
	message: string,
	field: string,
	details?: Record<string, unknown>,
	params?: Record<string, string | number>
): OrderVerdict => ({ ok: false, refusal: { kind, code, message, field, details, params } });

/**
 * Decides one order whole: every line's lot must exist, be on sale and allow drop-shipping, and
 * have a commission within the band; each lot's units come from the show's locks first (FIFO),
 * the rest from free stock only if the policy allows it and that much is free. Does not change
 * the state: `applyVerdict` does, once the order is accepted.
 */
export function decideOrder(
	lines: readonly DecisionLine[],
	lotById: ReadonlyMap<string, DecisionLot>,
	locksByLot: ReadonlyMap<string, readonly DecisionLock[]>,
	showDealBp: number | null,
	policy: Pick<Policy, 'money' | 'orders'>
): OrderVerdict {
	const need = new Map<string, number>();
	const commissionByLine: number[] = [];
	for (const [n, l] of lines.entries()) {
		const lot = lotById.get(l.lotId);
		if (!lot)
			return refuse('not_found', 'not_found', 'orders.err.lot_not_found', `lines.${n}.lotId`);
		if (lot.status !== 'active') {
			return refuse('rule', 'lot_unavailable', 'orders.err.lot_unavailable', `lines.${n}.lotId`);
		}
		if (!lot.dropshipAllowed) {
			return refuse('rule', 'dropship_not_allowed', 'orders.err.no_dropship', `lines.${n}.lotId`);
		}
		const bp = resolveCommissionBp({ showDealBp, lotBp: lot.commissionBp }, policy.money);
		if (bp === null) {
			return refuse(
				'rule',
				'commission_out_of_range',
				'orders.err.commission_band',
				`lines.${n}.lotId`,
				undefined,
				{ min: policy.money.commissionMinBp / 100, max: policy.money.commissionMaxBp / 100 }
			);
		}
		commissionByLine[n] = bp;
		need.set(l.lotId, (need.get(l.lotId) ?? 0) + l.quantity);
	}
	const takes: LotTakePlan[] = [];
	for (const [lotId, qty] of need) {
		const lot = lotById.get(lotId)!;
		const locks = locksByLot.get(lotId) ?? [];
		const heldTotal = locks.reduce((s, h) => s + h.quantity, 0);
		const fromLocks = Math.min(heldTotal, qty);
		const fromFree = qty - fromLocks;
		const free = available(lot);
		if (fromFree > 0 && (!policy.orders.allowFreeStock || fromFree > free)) {
			const avail = heldTotal + (policy.orders.allowFreeStock ? Math.max(0, free) : 0);
			const n = lines.findIndex((l) => l.lotId === lotId);
			return refuse(
				'conflict',
				'insufficient_stock',
				'orders.err.insufficient',
				`lines.${n}.quantity`,
				{ available: avail, lotId },
				{ n: avail }
			);
		}
		const perLock = (planConsumption(locks, fromLocks) ?? []).map(
			(p) => [p.id, p.take] as [string, number]
		);
		takes.push({ lotId, fromLocks, fromFree, perLock });
	}
	// Free-stock units are attributed to the lot's last lines.
	const freeByLine = lines.map(() => 0);
	for (const t of takes) {
		let left = t.fromFree;
		for (let n = lines.length - 1; n >= 0 && left > 0; n--) {
			const l = lines[n]!;
			if (l.lotId !== t.lotId) continue;
			const k = Math.min(l.quantity, left);
			freeByLine[n] = k;
			left -= k;
		}
	}
	return { ok: true, takes, freeByLine, commissionByLine };
}

/**
 * Commits an accepted order's takes to the batch's state: the lots' counters, the locks'
 * quantities, and the per-lot totals the batch will write (`fromLocks` of `total`).
 */
export function applyTakes(
	takes: readonly LotTakePlan[],
	lotById: ReadonlyMap<string, DecisionLot>,
	locksByLot: ReadonlyMap<string, DecisionLock[]>,
	lotTotals: Map<string, { fromLocks: number; total: number }>
): void {
	for (const t of takes) {
		const lot = lotById.get(t.lotId)!;
		lot.locked -= t.fromLocks;
		lot.allocated += t.fromLocks + t.fromFree;
		for (const [lockId, n] of t.perLock) {
			const h = locksByLot.get(t.lotId)!.find((x) => x.id === lockId)!;
			h.quantity -= n;
			h.consumed += n;
			h.take += n;
		}
		const tot = lotTotals.get(t.lotId) ?? { fromLocks: 0, total: 0 };
		tot.fromLocks += t.fromLocks;
		tot.total += t.fromLocks + t.fromFree;
		lotTotals.set(t.lotId, tot);
	}
}
