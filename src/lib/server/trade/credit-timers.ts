// The credit terms reminder job (issue 21): an invoice gets one reminder `reminderDaysBefore`
// days before its due date and one once it is overdue (policy.trade.credit), in-app through the
// buyer org's realtime room (`trade.invoice.reminder`). Safe on several nodes: each invoice is
// claimed `FOR UPDATE SKIP LOCKED` in its own transaction and its reminder column is set under
// that lock, so a second runner skips it or finds it already reminded (`runDue`, as the other
// trade timers; an invoice whose step fails is logged and passed over). Injected clock (`now`).
import { and, asc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { outstandingFen, reminderDue } from '$lib/domain/trade/credit';
import { DAY_MS } from '$lib/domain/trade/policy';
import { tradeInvoices } from '../db/schema';
import type { TradeInvoiceReminder } from '../events/map';
import { publishCommitted } from '../events/bus';
import { runDue } from './due-loop';
import { currentPolicy } from '../platform/policy';

export async function runCreditTimers(
	now: Date = new Date(),
	limit = 200
): Promise<{ reminded: number }> {
	const policy = currentPolicy().trade;
	const soon = new Date(now.getTime() + policy.credit.reminderDaysBefore * DAY_MS);
	const { moved } = await runDue(
		'credit reminder',
		limit,
		async (tx, passed, claim) => {
			const [inv] = await tx
				.select()
				.from(tradeInvoices)
				.where(
					and(
						isNull(tradeInvoices.closedAt),
						sql`((${tradeInvoices.remindedOverdueAt} is null and ${tradeInvoices.dueAt} < ${now.toISOString()}::timestamptz)
							or (${tradeInvoices.remindedBeforeAt} is null and ${tradeInvoices.dueAt} <= ${soon.toISOString()}::timestamptz
								and ${tradeInvoices.dueAt} >= ${now.toISOString()}::timestamptz))`,
						passed.length ? notInArray(tradeInvoices.id, [...passed]) : sql`true`
					)
				)
				.orderBy(asc(tradeInvoices.dueAt))
				.limit(1)
				.for('update', { skipLocked: true });
			if (!inv) return null;
			claim(inv.id);
			const open = {
				invoiceId: inv.id,
				issuedAt: inv.issuedAt,
				dueAt: inv.dueAt,
				amountFen: inv.amountFen,
				paidFen: inv.paidFen,
				writtenOffFen: inv.writtenOffFen
			};
			const kind = reminderDue(
				open,
				now,
				{ before: inv.remindedBeforeAt !== null, overdue: inv.remindedOverdueAt !== null },
				policy
			);
			if (!kind) return false;
			await tx
				.update(tradeInvoices)
				.set(
					kind === 'before'
						? { remindedBeforeAt: now }
						: // Overdue without the earlier reminder (job down): the "before" one is moot.
							{ remindedOverdueAt: now, remindedBeforeAt: inv.remindedBeforeAt ?? now }
				)
				.where(eq(tradeInvoices.id, inv.id));
			const reminder: TradeInvoiceReminder = {
				buyerOrgId: inv.buyerOrgId,
				invoiceId: inv.id,
				number: inv.number,
				kind,
				dueAt: inv.dueAt,
				outstandingFen: outstandingFen(open),
				at: now
			};
			return reminder;
		},
		(reminder) => publishCommitted('trade.invoice.reminder', reminder)
	);
	return { reminded: moved };
}
