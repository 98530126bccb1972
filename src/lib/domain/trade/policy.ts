/**
 * The trade policy: every number of the wholesale marketplace (issues 18–21) in one typed object,
 * with defaults from DOMAIN.md and the issues, and a zod schema with bounds for the operator's
 * settings page. It is the platform policy's `trade` section (`currentPolicy().trade`); trade
 * rules take a `TradePolicy` argument (default `DEFAULT_TRADE_POLICY`).
 *
 * Units are in the field names: `Fen` integer fen, `Bp` basis points (10000 = 100%), `Hours`,
 * `Minutes`, `Days`, `Pieces`.
 */
import { z } from 'zod';
import type { Grade } from '../policy';

export const PACKAGING_OPTIONS = ['relabel_live', 'remove_logo', 'repack'] as const;
/** 贴"直播专供"标, 去品牌标, 重新包装. */
export type PackagingOption = (typeof PACKAGING_OPTIONS)[number];

export interface DefectAllowance {
	/** Share of inspected pieces with any defect (minor or severe) a delivery may show. */
	maxDefectBp: number;
	/** Share of inspected pieces with a severe defect a delivery may show. */
	maxSevereBp: number;
}

export interface TradePolicy {
	cart: {
		/** 混批: a supplier's lines in one cart must add up to at least this many pieces. */
		mixedBatchMinPieces: number;
		/** B2B lots (and checkout on credit terms) start at this many pieces. */
		b2bMoq: number;
		maxLinesPerCart: number;
		maxQuantityPerLine: number;
		/** Most price breaks a supplier may set on one lot. */
		maxPriceBreaks: number;
		/** Packaging service fee per piece, charged with the goods and paid to the supplier. */
		packagingFeeFen: Record<PackagingOption, number>;
	};
	orders: {
		/** An unpaid trade order is cancelled and its stock released after this. */
		unpaidReleaseMinutes: number;
		/** The supplier accepts a paid order within this (from payment), else cancel and refund. */
		acceptSlaHours: number;
		/** The supplier ships within this (from payment), else cancel and refund. */
		shipSlaHours: number;
		/** From arrival: inspect, accept or dispute; then acceptance is automatic. */
		inspectionWindowHours: number;
		/** Platform fee on wholesale goods released to the supplier (not on freight). */
		wholesaleFeeBp: number;
		/** Parcels one order may ship in. */
		maxParcels: number;
	};
	inspection: {
		/** 比例抽检: share of each line's pieces drawn for inspection (at least one piece per line). */
		samplingBp: number;
		/** What each grade may show in the inspected pieces. */
		allowance: Record<Grade, DefectAllowance>;
		/** Severe-defect rule: this many severe pieces in a delivery → replacement. */
		severeDefectMinPieces: number;
		/** The replacement shipment is due this long after the severe pieces were reported. */
		replacementDueHours: number;
	};
	samples: {
		/** Default sample price per piece a supplier starts from (¥50). */
		defaultPriceFen: number;
		maxPriceFen: number;
		/** Pieces a buyer may take as samples of one lot. */
		minPieces: number;
		maxPieces: number;
		/** The supplier ships samples within this (from payment), else automatic refund. */
		shipSlaDays: number;
		/** The buyer approves or rejects delivered samples within this, else they count as approved. */
		reviewWindowHours: number;
		/** The sample fee is credited to a bulk order of the same lot within this (from approval). */
		creditValidityDays: number;
	};
	disputes: {
		/** The supplier answers (accept, counter-offer, reject) within this. */
		answerHours: number;
		/** The buyer takes a counter-offer or escalates within this; after it the answer stands. */
		buyerReplyHours: number;
		/** The operator rules within this of escalation. */
		rulingHours: number;
		/** Returned goods: the buyer ships them back within this of the ruling. */
		returnShipHours: number;
		/** A return leg counts as received this long after the buyer shipped it back. */
		returnAssumedReceivedHours: number;
		/** Evidence files per dispute, and the largest one. */
		maxEvidenceFiles: number;
		evidenceMaxBytes: number;
	};
	credit: {
		/** Terms an operator may grant (账期). */
		termDays: number[];
		/** An invoice this many days past due blocks new checkouts on terms. */
		graceDays: number;
		/** Warn the buyer when exposure reaches this share of the limit. */
		warnBp: number;
		maxLimitFen: number;
		/** Reminders go out this many days before the due date. */
		reminderDaysBefore: number;
	};
}

export const DEFAULT_TRADE_POLICY: TradePolicy = {
	cart: {
		mixedBatchMinPieces: 50,
		b2bMoq: 500,
		maxLinesPerCart: 100,
		maxQuantityPerLine: 1_000_000,
		maxPriceBreaks: 5,
		// ¥0.30 per relabelled piece, ¥0.20 to remove a brand label, ¥0.50 to repack.
		packagingFeeFen: { relabel_live: 30, remove_logo: 20, repack: 50 }
	},
	orders: {
		unpaidReleaseMinutes: 30,
		acceptSlaHours: 24,
		shipSlaHours: 72,
		inspectionWindowHours: 48,
		wholesaleFeeBp: 300,
		maxParcels: 50
	},
	inspection: {
		samplingBp: 3000,
		// A: no defect is sold, so few may turn up; B: minor defects are the grade (微瑕), severe
		// ones are not; C: visible defects are the grade, unusable pieces still count.
		allowance: {
			A: { maxDefectBp: 300, maxSevereBp: 100 },
			B: { maxDefectBp: 3000, maxSevereBp: 200 },
			C: { maxDefectBp: 10000, maxSevereBp: 500 }
		},
		severeDefectMinPieces: 3,
		replacementDueHours: 24
	},
	samples: {
		defaultPriceFen: 5000,
		maxPriceFen: 1_000_000,
		minPieces: 3,
		maxPieces: 5,
		shipSlaDays: 3,
		reviewWindowHours: 72,
		creditValidityDays: 60
	},
	disputes: {
		answerHours: 48,
		buyerReplyHours: 48,
		rulingHours: 48,
		returnShipHours: 72,
		returnAssumedReceivedHours: 168,
		maxEvidenceFiles: 20,
		evidenceMaxBytes: 200 * 1024 * 1024
	},
	credit: {
		termDays: [30, 45],
		graceDays: 3,
		warnBp: 8000,
		maxLimitFen: 100_000_000_00,
		reminderDaysBefore: 3
	}
};

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const hours = int(1, 24 * 90);
const bp = int(0, 10000);
const allowance = z.object({ maxDefectBp: bp, maxSevereBp: bp }).strict();

/** Bounds an operator's trade settings must respect (a bad value is refused, not clamped). */
export const TradePolicySchema = z
	.object({
		cart: z
			.object({
				mixedBatchMinPieces: int(1, 100_000),
				b2bMoq: int(1, 1_000_000),
				maxLinesPerCart: int(1, 1000),
				maxQuantityPerLine: int(1, 10_000_000),
				maxPriceBreaks: int(0, 20),
				packagingFeeFen: z
					.object({
						relabel_live: int(0, 100_000),
						remove_logo: int(0, 100_000),
						repack: int(0, 100_000)
					})
					.strict()
			})
			.strict(),
		orders: z
			.object({
				unpaidReleaseMinutes: int(5, 24 * 60),
				acceptSlaHours: hours,
				shipSlaHours: hours,
				inspectionWindowHours: hours,
				wholesaleFeeBp: int(0, 3000),
				maxParcels: int(1, 1000)
			})
			.strict(),
		inspection: z
			.object({
				samplingBp: int(1, 10000),
				allowance: z.object({ A: allowance, B: allowance, C: allowance }).strict(),
				severeDefectMinPieces: int(1, 1000),
				replacementDueHours: hours
			})
			.strict(),
		samples: z
			.object({
				defaultPriceFen: int(1, 10_000_000),
				maxPriceFen: int(1, 10_000_000),
				minPieces: int(1, 100),
				maxPieces: int(1, 100),
				shipSlaDays: int(1, 60),
				reviewWindowHours: hours,
				creditValidityDays: int(1, 365)
			})
			.strict(),
		disputes: z
			.object({
				answerHours: hours,
				buyerReplyHours: hours,
				rulingHours: hours,
				returnShipHours: hours,
				returnAssumedReceivedHours: hours,
				maxEvidenceFiles: int(1, 200),
				evidenceMaxBytes: int(1024, 2 * 1024 * 1024 * 1024)
			})
			.strict(),
		credit: z
			.object({
				termDays: z.array(int(1, 180)).min(1).max(6),
				graceDays: int(0, 60),
				warnBp: int(1, 10000),
				maxLimitFen: int(1, 1_000_000_000_00),
				reminderDaysBefore: int(0, 30)
			})
			.strict()
	})
	.strict()
	.superRefine((p, ctx) => {
		if (p.samples.minPieces > p.samples.maxPieces) {
			ctx.addIssue({ code: 'custom', path: ['samples', 'minPieces'], message: 'v.invalid' });
		}
		if (p.samples.defaultPriceFen > p.samples.maxPriceFen) {
			ctx.addIssue({
				code: 'custom',
				path: ['samples', 'defaultPriceFen'],
				message: 'v.invalid'
			});
		}
		if (p.orders.acceptSlaHours > p.orders.shipSlaHours) {
			ctx.addIssue({
				code: 'custom',
				path: ['orders', 'acceptSlaHours'],
				message: 'v.invalid'
			});
		}
		for (const g of ['A', 'B', 'C'] as const) {
			const a = p.inspection.allowance[g];
			if (a.maxSevereBp > a.maxDefectBp) {
				ctx.addIssue({
					code: 'custom',
					path: ['inspection', 'allowance', g, 'maxSevereBp'],
					message: 'v.invalid'
				});
			}
		}
	});

/** Whether a bulk quantity qualifies as B2B (credit terms; issue 21). */
export function isB2bQuantity(
	quantity: number,
	policy: TradePolicy = DEFAULT_TRADE_POLICY
): boolean {
	return quantity >= policy.cart.b2bMoq;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const addHours = (at: Date, h: number): Date => new Date(at.getTime() + h * HOUR_MS);
export const addDays = (at: Date, d: number): Date => new Date(at.getTime() + d * DAY_MS);
export const addMinutes = (at: Date, m: number): Date => new Date(at.getTime() + m * 60_000);
