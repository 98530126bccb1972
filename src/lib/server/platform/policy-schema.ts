import type { Policy } from '$lib/domain/policy';
import { TradePolicySchema } from '$lib/domain/trade/policy';
import { z } from '../validation';

/**
 * Bounds for every field of the policy. Typed as ZodType<Policy>, so a field added to Policy
 * without a line here is a type error: each new number (the trade rules of the coming issues)
 * arrives with its bounds. Cross-field rules (bands, commission range) are policyProblems().
 */
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const bp = () => int(0, 10_000);
const band = z.strictObject({ minBp: bp(), maxBp: bp() });

export const PolicySchema: z.ZodType<Policy> = z.strictObject({
	trade: TradePolicySchema,
	pricing: z.strictObject({
		bands: z.strictObject({ A: band, B: band, C: band })
	}),
	scenarios: z.strictObject({
		exportLargeSizeMinBp: bp(),
		largeSizes: z.array(z.string().trim().min(1).max(10)).min(1).max(30),
		stallMaxPriceFen: int(0, 10_000_000)
	}),
	live: z.strictObject({
		lockTtlMinutes: int(1, 7 * 24 * 60),
		maxLockQuantity: int(1, 10_000_000),
		lowStockUnits: int(0, 1_000_000),
		expirySweepSeconds: int(1, 3600),
		idempotencyKeyHours: int(1, 720)
	}),
	money: z.strictObject({
		platformFeeBp: int(0, 5000),
		commissionMinBp: bp(),
		commissionMaxBp: bp(),
		defaultCommissionBp: bp(),
		settleEveryMinutes: int(1, 1440),
		settleBatchSize: int(1, 100_000),
		settleWorkers: int(1, 32)
	}),
	catalog: z.strictObject({
		salesWindowDays: int(1, 365),
		repurchaseWindowDays: int(1, 3650),
		repurchaseConfidenceZ: z.number().min(0).max(5),
		statsRefreshMinutes: int(1, 1440),
		largeProfileMinBp: bp(),
		pageSize: int(1, 500),
		maxPageSize: int(1, 1000),
		importMaxRows: int(1, 200_000),
		photoMaxBytes: int(1, 100 * 1024 * 1024),
		videoMaxBytes: int(1, 1024 * 1024 * 1024),
		photosPerLot: int(1, 50)
	}),
	orders: z.strictObject({
		allowFreeStock: z.boolean(),
		returnWindowDays: int(1, 90),
		acceptSlaHours: int(1, 720),
		shipSlaHours: int(1, 720),
		replacementDueHours: int(1, 720),
		severeDefectMinPieces: int(1, 1000),
		maxLinesPerOrder: int(1, 1000),
		maxQuantityPerLine: int(1, 1_000_000)
	}),
	auth: z.strictObject({
		sessionDays: int(1, 365),
		sessionRenewWithinDays: int(0, 365),
		invitationDays: int(1, 90),
		passwordMinLength: int(8, 128)
	})
});

/** A save from the operator: the fields to change (any subset), why, and the version edited. */
export const PolicySaveInput = z.strictObject({
	changes: z.record(z.string().max(40), z.unknown()),
	reason: z.string().trim().min(1).max(500),
	/** The version the operator's form showed; a newer one saved meanwhile refuses this save (409). */
	baseVersion: z.number().int().min(0).max(2_147_483_647).optional()
});
