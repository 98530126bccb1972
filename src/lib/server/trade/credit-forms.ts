// The credit terms forms (issue 21): the buyer's application (/buyer/credit) and the operator's
// decision, repayment and write-off (/admin/credit). Form fields are strings: amounts are typed
// in yuan and become fen here; the services validate everything.
import { formAction } from '../edge';
import { applyForCredit, decideCredit, recordRepayment, writeOffInvoice } from './credit';

/** "1,234.5" yuan → fen; anything else is NaN (the service's schema refuses it, field named). */
const fenOf = (yuanText: string | undefined): number => {
	const v = (yuanText ?? '').replace(/[,\s¥]/g, '');
	return /^\d{1,12}(\.\d{1,2})?$/.test(v) ? Math.round(Number(v) * 100) : Number.NaN;
};

export const applyCreditAction = formAction(
	undefined,
	async ({ principal, values }) => {
		await applyForCredit(principal(), {
			companyName: values.companyName ?? '',
			uscc: values.uscc ?? '',
			tradeReferences: [{ name: values.refName ?? '', contact: values.refContact ?? '' }]
		});
		return { action: 'apply', applied: true };
	},
	{
		action: 'apply',
		field: (f) =>
			f?.startsWith('tradeReferences.0.name')
				? 'refName'
				: f?.startsWith('tradeReferences')
					? 'refContact'
					: f
	}
);

export const decideCreditAction = formAction(
	undefined,
	async ({ principal, values }) => {
		const decision = values.decision ?? '';
		const body =
			decision === 'approve'
				? {
						decision,
						limitFen: fenOf(values.limitYuan),
						termDays: Number(values.termDays ?? ''),
						reason: values.reason ?? ''
					}
				: { decision, reason: values.reason ?? '' };
		await decideCredit(principal(), values.buyerOrgId ?? '', body);
		return { action: 'decide', buyerOrgId: values.buyerOrgId ?? '', done: true };
	},
	{
		action: 'decide',
		field: (f) => (f === 'limitFen' ? 'limitYuan' : f),
		extra: (v: Record<string, string>) => ({ buyerOrgId: v.buyerOrgId ?? '' })
	}
);

export const repayCreditAction = formAction(
	undefined,
	async ({ principal, values }) => {
		const r = await recordRepayment(principal(), values.buyerOrgId ?? '', {
			amountFen: fenOf(values.amountYuan),
			reference: values.reference ?? ''
		});
		return {
			action: 'repay',
			buyerOrgId: values.buyerOrgId ?? '',
			done: true,
			allocated: r.allocations.length
		};
	},
	{
		action: 'repay',
		field: (f) => (f === 'amountFen' ? 'amountYuan' : f),
		extra: (v: Record<string, string>) => ({ buyerOrgId: v.buyerOrgId ?? '' })
	}
);

export const writeOffAction = formAction(
	undefined,
	async ({ principal, values }) => {
		await writeOffInvoice(principal(), values.invoiceId ?? '', { reason: values.reason ?? '' });
		return { action: 'write_off', invoiceId: values.invoiceId ?? '', done: true };
	},
	{
		action: 'write_off',
		extra: (v: Record<string, string>) => ({ invoiceId: v.invoiceId ?? '' })
	}
);
