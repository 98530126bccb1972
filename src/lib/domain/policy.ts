/**
 * Every business number in one typed object. Defaults come from DOMAIN.md; an operator can
 * override them in settings (stored as a partial policy), never by editing constants elsewhere.
 */
export type Grade = 'A' | 'B' | 'C';

export interface Policy {
	pricing: {
		/** Unit price as basis points of tag price, inclusive bounds, per grade. */
		bands: Record<Grade, { minBp: number; maxBp: number }>;
	};
	scenarios: {
		/** `export`: share of large sizes at or above this, in basis points. */
		exportLargeSizeMinBp: number;
		/** Sizes counted as large for `export`. */
		largeSizes: string[];
		/** `stall`: grade C and unit price strictly under this (fen). */
		stallMaxPriceFen: number;
	};
	live: {
		/** A lock expires this long after it was taken or last extended, unless the show ends first. */
		lockTtlMinutes: number;
		/** Largest single lock request, in units. */
		maxLockQuantity: number;
		/** Warn in the live console when a slot's locked units left fall to this or below. */
		lowStockUnits: number;
		/** How often the background job releases expired locks, in seconds. */
		expirySweepSeconds: number;
		/** How long a lock request's Idempotency-Key is remembered (its retry gets the same lock). */
		idempotencyKeyHours: number;
	};
	money: {
		/** Platform fee on each settled sale, basis points of the net sale price. */
		platformFeeBp: number;
		/** Host commission band (DOMAIN: 15–20% of the sale price), basis points. */
		commissionMinBp: number;
		commissionMaxBp: number;
		/** Default host commission when neither the lot nor a show deal says otherwise. */
		defaultCommissionBp: number;
		/** How often the settlement job looks for sale lines whose return window has passed. */
		settleEveryMinutes: number;
		/** Sale lines settled per database transaction (one set-based statement each). */
		settleBatchSize: number;
		/** Settlement batches in flight at once (each claims its own lines with SKIP LOCKED). */
		settleWorkers: number;
	};
	catalog: {
		/** `sales_7d` counts sales in this many days. */
		salesWindowDays: number;
		/** Repurchase rate looks at sales in this many days. */
		repurchaseWindowDays: number;
		/**
		 * The repurchase sort ranks by the Wilson lower bound of the rate at this confidence (z;
		 * 1.96 ≈ 95%), so 100% of 3 buyers does not outrank 71% of 312.
		 */
		repurchaseConfidenceZ: number;
		/**
		 * How often the stats job rolls the windows forward and takes in sales recorded since its
		 * last run (order batches do not write `sales_7d` themselves), in minutes.
		 */
		statsRefreshMinutes: number;
		/** Size profile `large`: share of large sizes at or above this (basis points). */
		largeProfileMinBp: number;
		pageSize: number;
		maxPageSize: number;
		/** Rows one import may hold. */
		importMaxRows: number;
		photoMaxBytes: number;
		videoMaxBytes: number;
		photosPerLot: number;
	};
	orders: {
		/** Lines beyond the show's locks may draw free stock (atomically) instead of being refused. */
		allowFreeStock: boolean;
		returnWindowDays: number;
		acceptSlaHours: number;
		shipSlaHours: number;
		replacementDueHours: number;
		severeDefectMinPieces: number;
		maxLinesPerOrder: number;
		maxQuantityPerLine: number;
	};
	auth: {
		sessionDays: number;
		/** A session is extended when less than this many days remain. */
		sessionRenewWithinDays: number;
		invitationDays: number;
		passwordMinLength: number;
	};
}

export const DEFAULT_POLICY: Policy = {
	pricing: {
		bands: {
			A: { minBp: 1500, maxBp: 2000 },
			B: { minBp: 1000, maxBp: 1500 },
			C: { minBp: 500, maxBp: 1000 }
		}
	},
	scenarios: {
		exportLargeSizeMinBp: 8000,
		largeSizes: ['XL', 'XXL', '2XL', 'XXXL', '3XL', '4XL', '5XL', '6XL'],
		stallMaxPriceFen: 1000
	},
	live: {
		lockTtlMinutes: 240,
		maxLockQuantity: 1_000_000,
		lowStockUnits: 20,
		expirySweepSeconds: 15,
		idempotencyKeyHours: 24
	},
	money: {
		platformFeeBp: 300,
		commissionMinBp: 1500,
		commissionMaxBp: 2000,
		defaultCommissionBp: 1500,
		settleEveryMinutes: 5,
		settleBatchSize: 2000,
		settleWorkers: 2
	},
	catalog: {
		salesWindowDays: 7,
		repurchaseWindowDays: 365,
		repurchaseConfidenceZ: 1.96,
		statsRefreshMinutes: 1,
		largeProfileMinBp: 5000,
		pageSize: 24,
		maxPageSize: 100,
		importMaxRows: 20000,
		photoMaxBytes: 10 * 1024 * 1024,
		videoMaxBytes: 50 * 1024 * 1024,
		photosPerLot: 9
	},
	orders: {
		allowFreeStock: false,
		returnWindowDays: 7,
		acceptSlaHours: 2,
		shipSlaHours: 48,
		replacementDueHours: 24,
		severeDefectMinPieces: 3,
		maxLinesPerOrder: 50,
		maxQuantityPerLine: 10000
	},
	auth: {
		sessionDays: 30,
		sessionRenewWithinDays: 15,
		invitationDays: 7,
		passwordMinLength: 8
	}
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type PolicyOverrides = DeepPartial<Policy>;

/** Merges operator overrides over the defaults (two levels deep, which is all the policy has). */
export function resolvePolicy(overrides: PolicyOverrides = {}): Policy {
	const out = structuredClone(DEFAULT_POLICY) as unknown as Record<string, Record<string, unknown>>;
	for (const [section, values] of Object.entries(overrides)) {
		if (!values || !(section in out)) continue;
		for (const [k, v] of Object.entries(values)) {
			if (v !== undefined && k in out[section]!) out[section]![k] = v;
		}
	}
	return out as unknown as Policy;
}
