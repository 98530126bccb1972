// Order placement, step 4 (view): the API's answer for the orders a batch placed, built from
// what the batch holds (no read back).
import { slaState, type FreightQuote } from '$lib/domain/orders';
import type { fulfilments, orderLines, ShipTo } from '../db/schema';
import type { FulfilmentView, LineView, OrderView } from './queries';
import type { LotInfo, Request } from './place-claim';

/** The API's view of an order placed in this batch, from what the batch already holds. */
export function buildView(a: {
	req: Request;
	orderId: string;
	show: { id: string; title: string; teamName: string | null };
	fulfilments: (typeof fulfilments.$inferInsert)[];
	lines: (typeof orderLines.$inferInsert)[];
	stored: Map<string, { number: number; createdAt: Date }>;
	lotById: Map<string, LotInfo>;
	quotes: Map<string, FreightQuote>;
}): OrderView {
	const { req, orderId, show } = a;
	const now = new Date();
	const fs: FulfilmentView[] = a.fulfilments.map((f) => {
		const st = a.stored.get(f.id!)!;
		const lines: LineView[] = a.lines
			.filter((l) => l.fulfilmentId === f.id)
			.map((l) => {
				const lot = a.lotById.get(l.lotId)!;
				return {
					id: l.id!,
					lotId: l.lotId,
					lotTitle: lot.title,
					grade: lot.grade,
					quantity: l.quantity,
					unitPriceFen: l.unitPriceFen,
					commissionBp: l.commissionBp,
					fromFree: l.fromFree ?? 0
				};
			});
		const pieces = lines.reduce((s, l) => s + l.quantity, 0);
		const sla = slaState(
			{ status: 'pending', createdAt: st.createdAt, kind: 'order' },
			now,
			req.policy
		);
		return {
			id: f.id!,
			number: st.number,
			orderId,
			externalId: req.input.externalId,
			showId: show.id,
			showTitle: show.title,
			teamId: req.teamId,
			teamName: show.teamName ?? '',
			supplierId: f.supplierId,
			supplierName: a.lotById.get(lines[0]!.lotId)!.supplierName ?? '',
			warehouseProvince: f.warehouseProvince ?? '',
			warehouseCity: f.warehouseCity ?? '',
			kind: 'order',
			replacesId: null,
			status: 'pending',
			packaging: f.packaging ?? [],
			shipTo: f.shipTo,
			carrier: null,
			trackingNo: null,
			dueAt: null,
			freightChargeFen: 0,
			exceptionNote: null,
			createdAt: st.createdAt.toISOString(),
			acceptedAt: null,
			shippedAt: null,
			deliveredAt: null,
			pieces,
			amountFen: lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0),
			sla: { state: sla.state, deadline: sla.deadline ? sla.deadline.toISOString() : null },
			claimPhotos: [],
			freight: a.quotes.get(`${f.warehouseProvince ?? ''}|${f.shipTo.province}|${pieces}`) ?? null,
			lines
		};
	});
	return {
		id: orderId,
		externalId: req.input.externalId,
		showId: show.id,
		teamId: req.teamId,
		source: req.source,
		shipTo: req.input.shipTo as ShipTo,
		totalFen: req.input.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
		paidAt: req.input.paidAt.toISOString(),
		createdAt: fs[0]?.createdAt ?? now.toISOString(),
		fulfilments: fs
	};
}
