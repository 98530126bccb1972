/**
 * Sampling inspection (比例抽检, issue 18): which cartons and pieces the buyer checks, and what the
 * results mean. The draw is random but reproducible: it is seeded from the order id and the line
 * id, so every node (and a re-rendered checklist) draws the same pieces, and the supplier can
 * verify it afterwards. Pure.
 *
 * How many: `ceil(quantity × samplingBp / 10000)` pieces per line, at least one (policy 30%).
 * Which: that many distinct piece numbers 0…quantity−1 drawn uniformly (Floyd's algorithm) from
 * a PRNG seeded with `trade-inspection|<orderId>|<lineId>`; piece n sits in carton
 * `floor(n / piecesPerCarton) + 1` at position `n mod piecesPerCarton + 1` (as packed, by the
 * packing list's carton numbering). Cartons are listed with the positions to open.
 */
import type { Grade } from '../policy';
import { addHours, DEFAULT_TRADE_POLICY, type TradePolicy } from './policy';
import { prngFrom, sampleDistinct } from './prng';

export interface InspectionLineInput {
	lineId: string;
	lotId: string;
	quantity: number;
	/** Pieces per carton as packed (the last carton may hold fewer). */
	piecesPerCarton: number;
}

export interface DrawnCarton {
	/** 1-based carton number within the line. */
	carton: number;
	/** 1-based positions of the pieces to check in that carton. */
	positions: number[];
}

export interface LineDraw {
	lineId: string;
	lotId: string;
	quantity: number;
	sampleSize: number;
	cartonsTotal: number;
	cartons: DrawnCarton[];
}

/** Pieces to inspect in a line of `quantity`: the sampling share rounded up, at least one. */
export function sampleSize(quantity: number, policy: TradePolicy = DEFAULT_TRADE_POLICY): number {
	if (!Number.isSafeInteger(quantity) || quantity < 1)
		throw new RangeError(`bad quantity ${quantity}`);
	const n = Math.ceil((quantity * policy.inspection.samplingBp) / 10000);
	return Math.min(quantity, Math.max(1, n));
}

/** The draw for one order: the same for the same order id and lines, on any node. */
export function drawInspection(
	orderId: string,
	lines: readonly InspectionLineInput[],
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): LineDraw[] {
	return lines.map((l) => {
		if (!Number.isSafeInteger(l.piecesPerCarton) || l.piecesPerCarton < 1) {
			throw new RangeError(`bad carton size ${l.piecesPerCarton}`);
		}
		const k = sampleSize(l.quantity, policy);
		const pieces = sampleDistinct(
			prngFrom(`trade-inspection|${orderId}|${l.lineId}`),
			l.quantity,
			k
		);
		const cartons: DrawnCarton[] = [];
		for (const p of pieces) {
			const carton = Math.floor(p / l.piecesPerCarton) + 1;
			const position = (p % l.piecesPerCarton) + 1;
			const last = cartons[cartons.length - 1];
			if (last && last.carton === carton) last.positions.push(position);
			else cartons.push({ carton, positions: [position] });
		}
		return {
			lineId: l.lineId,
			lotId: l.lotId,
			quantity: l.quantity,
			sampleSize: k,
			cartonsTotal: Math.ceil(l.quantity / l.piecesPerCarton),
			cartons
		};
	});
}

export type PieceResult = 'pass' | 'minor' | 'severe';

export interface LineResults {
	lineId: string;
	grade: Grade;
	results: readonly PieceResult[];
}

export interface LineVerdict {
	lineId: string;
	grade: Grade;
	inspected: number;
	pass: number;
	minor: number;
	severe: number;
	/** (minor + severe) / inspected, basis points rounded half up (for display). */
	defectBp: number;
	severeBp: number;
	/** Compared exactly: defects × 10000 ≤ allowance × inspected. */
	withinAllowance: boolean;
	/** What broke the allowance, if anything. */
	exceeded: ('defect' | 'severe')[];
}

const rateBp = (n: number, of: number) => (of === 0 ? 0 : Math.floor((n * 20000 + of) / (2 * of)));

/** Defect rate of a line's inspected pieces against its grade's allowance (policy per grade). */
export function judgeLine(r: LineResults, policy: TradePolicy = DEFAULT_TRADE_POLICY): LineVerdict {
	let pass = 0;
	let minor = 0;
	let severe = 0;
	for (const x of r.results) {
		if (x === 'pass') pass++;
		else if (x === 'minor') minor++;
		else severe++;
	}
	const inspected = r.results.length;
	const a = policy.inspection.allowance[r.grade];
	const exceeded: LineVerdict['exceeded'] = [];
	if ((minor + severe) * 10000 > a.maxDefectBp * inspected) exceeded.push('defect');
	if (severe * 10000 > a.maxSevereBp * inspected) exceeded.push('severe');
	return {
		lineId: r.lineId,
		grade: r.grade,
		inspected,
		pass,
		minor,
		severe,
		defectBp: rateBp(minor + severe, inspected),
		severeBp: rateBp(severe, inspected),
		withinAllowance: exceeded.length === 0,
		exceeded
	};
}

export interface DeliveryVerdict {
	lines: LineVerdict[];
	severePieces: number;
	/** Severe-defect rule: a replacement shipment is due, its freight charged to the supplier. */
	replacement: { dueAt: Date; freightPaidBy: 'supplier' } | null;
	/** Every line within its allowance and no replacement due: the buyer may simply accept. */
	clean: boolean;
}

/**
 * The whole delivery: each line judged, and the severe-defect rule (DOMAIN: 3 or more severely
 * defective pieces in a delivery → replacement within 24 hours, freight to the supplier) counted
 * over all lines, with the due time from `reportedAt`.
 */
export function judgeDelivery(
	lines: readonly LineResults[],
	reportedAt: Date,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): DeliveryVerdict {
	const verdicts = lines.map((l) => judgeLine(l, policy));
	const severePieces = verdicts.reduce((s, v) => s + v.severe, 0);
	const replacement =
		severePieces >= policy.inspection.severeDefectMinPieces
			? {
					dueAt: addHours(reportedAt, policy.inspection.replacementDueHours),
					freightPaidBy: 'supplier' as const
				}
			: null;
	return {
		lines: verdicts,
		severePieces,
		replacement,
		clean: replacement === null && verdicts.every((v) => v.withinAllowance)
	};
}

/**
 * Checks a submitted checklist against the draw: exactly the drawn pieces of each line, each with
 * a result. Returns the field of the first mismatch (`lines.<n>.results`), or null.
 */
export function checklistMismatch(
	draw: readonly LineDraw[],
	submitted: readonly { lineId: string; results: readonly unknown[] }[]
): string | null {
	const byLine = new Map(submitted.map((s, i) => [s.lineId, { ...s, i }]));
	if (byLine.size !== submitted.length) return 'lines';
	for (const [i, d] of draw.entries()) {
		const s = byLine.get(d.lineId);
		if (!s) return `lines.${i}`;
		if (s.results.length !== d.sampleSize) return `lines.${s.i}.results`;
		if (!s.results.every((x) => x === 'pass' || x === 'minor' || x === 'severe'))
			return `lines.${s.i}.results`;
	}
	if (submitted.length !== draw.length) return 'lines';
	return null;
}
