// The money side of the orders' events, posted inside the orders module's transactions (the
// ledger's subscriptions, listed in its module.ts): payment into escrow when orders are placed,
// refunds when parcels are cancelled, out of stock or returned, the settlement clock when they
// are delivered, and charges to suppliers (replacement freight).
import { inArray } from 'drizzle-orm';
import { currentPolicy } from '../platform/policy';
import { ledgerSales } from '../db/schema';
import type { Subscription } from '../events/bus';
import {
	newPaymentStatements,
	recordDelivered,
	recordRefund,
	recordSupplierCharge
} from './service';

export const orderSubscriptions: Subscription[] = [
	{
		// One statement list per batch, sent with the batch's own write before its COMMIT.
		event: 'order.placed',
		statements: (e) => {
			const teamOf = new Map(e.orders.map((o) => [o.id, o]));
			return newPaymentStatements(
				e.orders.map((o) => ({
					orderId: o.id,
					paidAt: o.paidAt,
					lines: e.lines
						.filter((l) => l.orderId === o.id)
						.map((l) => ({
							saleLineId: l.id!,
							orderId: l.orderId,
							fulfilmentId: l.fulfilmentId,
							showId: e.showId,
							lotId: l.lotId,
							hostTeamId: teamOf.get(l.orderId)!.teamId,
							supplierOrgId: l.supplierId,
							quantity: l.quantity,
							grossFen: l.quantity * l.unitPriceFen,
							commissionBp: l.commissionBp
						}))
				})),
				e.policy
			);
		}
	},
	{
		event: 'fulfilment.moved',
		inTx: async (tx, e) => {
			// Replacements ship goods already paid for: no money moves.
			if (e.kind === 'replacement' || e.lines.length === 0) return;
			const ids = e.lines.map((l) => l.id);
			if (e.to === 'delivered') {
				const policy = currentPolicy();
				await recordDelivered(tx, {
					saleLineIds: ids,
					deliveredAt: e.at,
					returnWindowDays: policy.orders.returnWindowDays
				});
				return;
			}
			if (e.to === 'cancelled' || e.to === 'out_of_stock' || e.to === 'returned') {
				// The consumer gets back whatever of each line is not refunded yet.
				const sales = await tx
					.select({
						id: ledgerSales.saleLineId,
						grossFen: ledgerSales.grossFen,
						refundedFen: ledgerSales.refundedFen
					})
					.from(ledgerSales)
					.where(inArray(ledgerSales.saleLineId, ids));
				for (const s of sales.sort((a, b) => (a.id < b.id ? -1 : 1))) {
					const left = Number(s.grossFen) - Number(s.refundedFen);
					if (left <= 0) continue;
					await recordRefund(tx, {
						saleLineId: s.id,
						amountFen: left,
						reason:
							e.to === 'returned' ? 'return' : e.to === 'cancelled' ? 'cancel' : 'out_of_stock',
						refId: `${e.to}:${e.fulfilmentId}:${s.id}`,
						at: e.at
					});
				}
			}
		}
	},
	{
		event: 'line.refunded',
		inTx: (tx, e) =>
			recordRefund(tx, {
				saleLineId: e.saleLineId,
				amountFen: e.amountFen,
				reason: e.reason,
				refId: e.refId,
				at: e.at
			})
	},
	{
		event: 'supplier.charged',
		inTx: (tx, e) =>
			recordSupplierCharge(tx, {
				supplierOrgId: e.supplierId,
				amountFen: e.amountFen,
				reason: e.reason,
				refId: e.refId
			})
	}
];
