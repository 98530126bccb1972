// The operator's ruling form on /admin/disputes/[id] (issue 20): release, partial refund of X,
// return and refund, or exchange, with a written reason. The amount is typed in yuan and becomes
// fen here; `disputeStep('rule')` validates everything (the reason, the amount against what is
// frozen) and the service checks that the caller is an operator.
import { formAction } from '../edge';
import { disputeStep } from './dispute-api';

/** "1,234.5" yuan → fen; anything else is NaN (the schema refuses it, naming refundFen). */
const fenOf = (yuanText: string): number => {
	const v = yuanText.replace(/[,\s¥]/g, '');
	return /^\d{1,12}(\.\d{1,2})?$/.test(v) ? Math.round(Number(v) * 100) : Number.NaN;
};

export const ruleDisputeAction = formAction(
	undefined,
	async ({ principal, values, event }) => {
		const amount = (values.refundYuan ?? '').trim();
		const d = await disputeStep(principal(), event.params.id, 'rule', {
			ruling: values.ruling ?? '',
			...(amount ? { refundFen: fenOf(amount) } : {}),
			reason: values.reason ?? ''
		});
		return {
			action: 'rule',
			ruled: {
				state: d.state,
				outcomeKind: d.outcomeKind ?? (d.pending?.kind as string | undefined) ?? null,
				refundFen: d.outcomeRefundFen,
				releaseFen: d.outcomeReleaseFen
			}
		};
	},
	{ action: 'rule', field: (f) => (f === 'refundFen' ? 'refundYuan' : f) }
);
