// The buyer's standing credit reminders (issue 21): the reminder job (credit-timers.ts) records
// each reminder it sends on the invoice (`reminded_before_at`, `reminded_overdue_at`), so the
// buyer area shows them on every page load too, not only to a page open when the push went out.
// An invoice shows its latest reminder while it is open; paying or writing it off ends it.
import { and, asc, eq, isNull, or, isNotNull } from 'drizzle-orm';
import { outstandingFen } from '$lib/domain/trade/credit';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { tradeInvoices } from '../db/schema';
import { buyerOrgOf } from './cart';

export interface CreditReminderView {
	buyerOrgId: string;
	invoiceId: string;
	number: number;
	kind: 'before' | 'overdue';
	dueAt: Date;
	outstandingFen: number;
	/** When the job sent it. */
	at: Date;
}

/** The buyer organisation's reminders sent for its open invoices, overdue first then by due date. */
export async function creditReminders(p: Principal): Promise<CreditReminderView[]> {
	const buyerOrgId = buyerOrgOf(p);
	const rows = await db()
		.select()
		.from(tradeInvoices)
		.where(
			and(
				eq(tradeInvoices.buyerOrgId, buyerOrgId),
				isNull(tradeInvoices.closedAt),
				or(isNotNull(tradeInvoices.remindedBeforeAt), isNotNull(tradeInvoices.remindedOverdueAt))
			)
		)
		.orderBy(asc(tradeInvoices.dueAt), asc(tradeInvoices.id));
	const out: CreditReminderView[] = rows.map((i) => ({
		buyerOrgId,
		invoiceId: i.id,
		number: i.number,
		kind: i.remindedOverdueAt ? 'overdue' : 'before',
		dueAt: i.dueAt,
		outstandingFen: outstandingFen({
			invoiceId: i.id,
			issuedAt: i.issuedAt,
			dueAt: i.dueAt,
			amountFen: i.amountFen,
			paidFen: i.paidFen,
			writtenOffFen: i.writtenOffFen
		}),
		at: (i.remindedOverdueAt ?? i.remindedBeforeAt)!
	}));
	return [...out.filter((r) => r.kind === 'overdue'), ...out.filter((r) => r.kind === 'before')];
}
