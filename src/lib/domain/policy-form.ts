import type { Policy } from './policy';

/**
 * The policy fields an operator edits at /admin/policy, in the form's order. Each is a dotted
 * path into Policy (the form field's name) with its unit: `bp` fields are entered as percent
 * with up to two decimals (15.5 → 1550), the others as whole numbers. Adding a field to the
 * page is one line here and its label keys.
 */
export type PolicyFieldUnit = 'bp' | 'minutes' | 'hours' | 'days' | 'pieces';
export interface PolicyField {
	path: string;
	unit: PolicyFieldUnit;
	group: 'bands' | 'money' | 'live' | 'orders' | 'trade' | 'inspection';
}

export const POLICY_FORM_FIELDS: readonly PolicyField[] = [
	...(['A', 'B', 'C'] as const).flatMap((g) =>
		(['minBp', 'maxBp'] as const).map((k): PolicyField => ({
			path: `pricing.bands.${g}.${k}`,
			unit: 'bp',
			group: 'bands'
		}))
	),
	{ path: 'money.commissionMinBp', unit: 'bp', group: 'money' },
	{ path: 'money.commissionMaxBp', unit: 'bp', group: 'money' },
	{ path: 'money.defaultCommissionBp', unit: 'bp', group: 'money' },
	{ path: 'money.platformFeeBp', unit: 'bp', group: 'money' },
	{ path: 'live.lockTtlMinutes', unit: 'minutes', group: 'live' },
	{ path: 'orders.returnWindowDays', unit: 'days', group: 'orders' },
	{ path: 'orders.acceptSlaHours', unit: 'hours', group: 'orders' },
	{ path: 'orders.shipSlaHours', unit: 'hours', group: 'orders' },
	{ path: 'orders.replacementDueHours', unit: 'hours', group: 'orders' },
	// wholesale trade (issue 18; docs/TRADE.md "Policy")
	{ path: 'trade.cart.mixedBatchMinPieces', unit: 'pieces', group: 'trade' },
	{ path: 'trade.orders.unpaidReleaseMinutes', unit: 'minutes', group: 'trade' },
	{ path: 'trade.orders.acceptSlaHours', unit: 'hours', group: 'trade' },
	{ path: 'trade.orders.shipSlaHours', unit: 'hours', group: 'trade' },
	{ path: 'trade.orders.inspectionWindowHours', unit: 'hours', group: 'trade' },
	{ path: 'trade.orders.wholesaleFeeBp', unit: 'bp', group: 'trade' },
	{ path: 'trade.inspection.samplingBp', unit: 'bp', group: 'inspection' },
	...(['A', 'B', 'C'] as const).flatMap((g) =>
		(['maxDefectBp', 'maxSevereBp'] as const).map((k): PolicyField => ({
			path: `trade.inspection.allowance.${g}.${k}`,
			unit: 'bp',
			group: 'inspection'
		}))
	),
	{ path: 'trade.inspection.severeDefectMinPieces', unit: 'pieces', group: 'inspection' },
	{ path: 'trade.inspection.replacementDueHours', unit: 'hours', group: 'inspection' }
];

/** The value at a dotted path of the policy. */
export function policyValue(policy: Policy, path: string): unknown {
	let at: unknown = policy;
	for (const k of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[k];
	return at;
}

/** How a field's stored value is shown in its input: bp as percent (1550 → "15.5"). */
export function formatPolicyInput(unit: PolicyFieldUnit, value: unknown): string {
	if (typeof value !== 'number') return String(value ?? '');
	return unit === 'bp' ? String(value / 100) : String(value);
}

const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;
const WHOLE = /^-?\d{1,9}$/;

/**
 * A form input back to the stored value: percent → basis points, whole numbers as numbers.
 * Text that is not such a number yields `{ error }` (a catalogue key) for that field.
 */
export function parsePolicyInput(
	unit: PolicyFieldUnit,
	raw: string
): { value: number } | { error: string } {
	const s = raw.trim();
	if (unit === 'bp') {
		if (!PERCENT.test(s)) return { error: 'policy.err.percent' };
		return { value: Math.round(Number(s) * 100) };
	}
	if (!WHOLE.test(s)) return { error: 'policy.err.whole' };
	return { value: Number(s) };
}
