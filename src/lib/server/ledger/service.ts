// The ledger's write side: the calls the orders service makes inside its own database
// transaction (payment, refund, delivery, supplier charge) and the settlement job. These and
// payouts.ts are the only writers of the ledger tables (through post.ts). docs/LEDGER.md.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from '$lib/server/validation';
import {
	commissionInBand,
	paymentPostings,
	refundAfterSettlementPostings,
	refundFromEscrowPostings,
	settlementPostings,
	supplierChargePostings,
	type SaleParties
} from '$lib/domain/ledger';
import { db, execRows, type Tx } from '../db';
import { ledgerSales, ledgerTransactions, type LedgerSale } from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import type { Policy } from '$lib/domain/policy';
import { currentPolicy } from '../platform/policy';
import { post, postStatement, type NewTransaction } from './post';

export interface SaleLineInput {
	/** The order line id (uuid), unique. */
	saleLineId: string;
	orderId: string;
	fulfilmentId: string | null;
	showId: string | null;
	lotId: string;
	/** Org id of the host team (commission payee); null → no commission. */
	hostTeamId: string | null;
	supplierOrgId: string;
	quantity: number;
	/** What the consumer paid for this line, fen. */
	grossFen: number;
	/** Rate for this line (per lot or per show deal), checked against the policy band. */
	commissionBp: number;
}

export type RefundReason = 'cancel' | 'out_of_stock' | 'return' | 'partial' | 'defect';

const UUID = z.uuid({ error: 'v.id' });
const Fen = z.number().int({ error: 'v.fen' }).max(Number.MAX_SAFE_INTEGER);
const RefId = z.string().trim().min(1, { error: 'v.required' }).max(200);

const SaleLine = z.object({
	saleLineId: UUID,
	orderId: UUID,
	fulfilmentId: UUID.nullable(),
	showId: UUID.nullable(),
	lotId: UUID,
	hostTeamId: UUID.nullable(),
	supplierOrgId: UUID,
	quantity: z.number().int().min(1, { error: 'v.too_small' }),
	grossFen: Fen.min(0, { error: 'v.too_small' }),
	commissionBp: z.number().int().min(0).max(10_000)
});
const PaymentInput = z.object({
	orderId: UUID,
	paidAt: z.date(),
	lines: z.array(SaleLine).min(1, { error: 'v.order_lines' })
});
const RefundInput = z.object({
	saleLineId: UUID,
	amountFen: Fen.min(1, { error: 'v.too_small' }),
	reason: z.enum(['cancel', 'out_of_stock', 'return', 'partial', 'defect']),
	refId: RefId,
	at: z.date().optional()
});
const DeliveredInput = z.object({
	saleLineIds: z.array(UUID).min(1),
	deliveredAt: z.date(),
	returnWindowDays: z.number().int().min(0).max(365)
});
const ChargeInput = z.object({
	supplierOrgId: UUID,
	amountFen: Fen.min(1, { error: 'v.too_small' }),
	reason: z.string().trim().min(1).max(500),
	refId: RefId
});

function parties(s: Pick<LedgerSale, 'supplierOrgId' | 'hostTeamId' | 'commissionBp' | 'feeBp'>) {
	return {
		supplierOrgId: s.supplierOrgId,
		hostOrgId: s.hostTeamId,
		commissionBp: s.commissionBp,
		feeBp: s.feeBp
	} satisfies SaleParties;
}

const saleRefs = (s: Pick<LedgerSale, 'saleLineId' | 'orderId' | 'showId' | 'lotId'>) => ({
	saleLineId: s.saleLineId,
	orderId: s.orderId,
	showId: s.showId,
	lotId: s.lotId
});

/**
 * A consumer paid for an order: each new line is recorded and its money posted into escrow
 * (cash → escrow, one transaction for the order's new lines). Idempotent per saleLineId: lines already recorded
 * are left as they are. The commission rate must be inside the policy band when a host team
 * sold the line; without one the line carries no commission.
 */
export async function recordPayment(
	tx: Tx,
	raw: { orderId: string; paidAt: Date; lines: SaleLineInput[] }
): Promise<void> {
	await recordPayments(tx, [raw]);
}

/**
 * Several orders' payments at once (an order batch): the same rules as recordPayment, with one
 * insert of the sale lines and one posting round for all of them.
 */
export async function recordPayments(
	tx: Tx,
	raws: { orderId: string; paidAt: Date; lines: SaleLineInput[] }[]
): Promise<void> {
	if (raws.length === 0) return;
	const policy = currentPolicy();
	const all = paymentLines(raws, policy);
	const fresh = new Set(
		(await execRows<{ sale_line_id: string }>(salesInsert(all, policy, true), tx)).map(
			(r) => r.sale_line_id
		)
	);
	const repeats = all.map(({ l }) => l).filter((l) => !fresh.has(l.saleLineId));
	if (repeats.length > 0) {
		// A retry must describe the same sale: a line id reused for different money is a bug
		// upstream, not something to paper over.
		const known = new Map(
			(
				await tx
					.select()
					.from(ledgerSales)
					.where(
						inArray(
							ledgerSales.saleLineId,
							repeats.map((l) => l.saleLineId)
						)
					)
			).map((r) => [r.saleLineId, r])
		);
		for (const l of repeats) {
			const k = known.get(l.saleLineId)!;
			if (
				k.orderId !== l.orderId ||
				k.grossFen !== l.grossFen ||
				k.supplierOrgId !== l.supplierOrgId ||
				k.hostTeamId !== l.hostTeamId
			) {
				const raw = raws.find((r) => r.orderId === l.orderId)!;
				throw new AppError('conflict', 'sale_line_mismatch', 'err.sale_line_mismatch', {
					field: `lines.${raw.lines.findIndex((x) => x.saleLineId === l.saleLineId)}.saleLineId`
				});
			}
		}
	}
	await post(tx, payments(all.filter(({ l }) => fresh.has(l.saleLineId))));
}

/**
 * The statements that record the payments of lines created in the caller's own transaction (an
 * order batch's new order lines), for the caller to send pipelined behind its own writes and
 * before its COMMIT: the sale lines' insert, then their postings into escrow. A line recorded
 * before fails the insert (unique sale_line_id) and with it the transaction.
 */
export function newPaymentStatements(
	raws: { orderId: string; paidAt: Date; lines: SaleLineInput[] }[],
	policy: Policy
): SQL[] {
	if (raws.length === 0) return [];
	const all = paymentLines(raws, policy);
	const posting = postStatement(payments(all));
	return posting ? [salesInsert(all, policy, false), posting] : [salesInsert(all, policy, false)];
}

type PaymentLine = { l: SaleLineInput; paidAt: Date };

/** Validated lines of several payments, each with its order's payment time. */
function paymentLines(
	raws: { orderId: string; paidAt: Date; lines: SaleLineInput[] }[],
	policy: Policy
): PaymentLine[] {
	const inputs = raws.map((raw) => parse(PaymentInput, raw));
	for (const input of inputs) {
		input.lines.forEach((l, i) => {
			if (l.orderId !== input.orderId)
				throw new AppError('invalid', 'invalid_input', 'err.line_other_order', {
					field: `lines.${i}.orderId`
				});
			if (l.hostTeamId !== null && !commissionInBand(l.commissionBp, policy.money))
				throw new AppError('rule', 'commission_out_of_range', 'err.commission_bp', {
					field: `lines.${i}.commissionBp`,
					params: { min: policy.money.commissionMinBp, max: policy.money.commissionMaxBp }
				});
		});
	}
	return inputs.flatMap((input) => input.lines.map((l) => ({ l, paidAt: input.paidAt })));
}

/**
 * The sale lines' insert: one parameter for all lines (a flash sale's batch has hundreds), no
 * per-value binding. `skipKnown`: lines recorded before are skipped (returning the new ones)
 * instead of failing the statement.
 */
function salesInsert(all: PaymentLine[], policy: Policy, skipKnown: boolean): SQL {
	return sql`insert into ledger_sales (sale_line_id, order_id, fulfilment_id, show_id, lot_id,
			host_team_id, supplier_org_id, quantity, gross_fen, commission_bp, fee_bp, paid_at)
		select * from jsonb_to_recordset(${JSON.stringify(
			all.map(({ l, paidAt }) => ({
				sale_line_id: l.saleLineId,
				order_id: l.orderId,
				fulfilment_id: l.fulfilmentId,
				show_id: l.showId,
				lot_id: l.lotId,
				host_team_id: l.hostTeamId,
				supplier_org_id: l.supplierOrgId,
				quantity: l.quantity,
				gross_fen: l.grossFen,
				commission_bp: l.hostTeamId === null ? 0 : l.commissionBp,
				fee_bp: policy.money.platformFeeBp,
				paid_at: paidAt.toISOString()
			}))
		)}::jsonb) as x(sale_line_id uuid, order_id uuid, fulfilment_id uuid, show_id uuid,
			lot_id uuid, host_team_id uuid, supplier_org_id uuid, quantity int, gross_fen bigint,
			commission_bp int, fee_bp int, paid_at timestamptz)
		${skipKnown ? sql`on conflict (sale_line_id) do nothing` : sql``}
		returning sale_line_id`;
}

/**
 * The payment postings of some new sale lines: one ledger transaction per order, cash in once and
 * into escrow line by line (every escrow entry names its line). Keyed by the order's first new
 * line: each line is paid once, so no two payments share it. A transaction about one line (or
 * one lot) names it on its head as well.
 */
function payments(all: PaymentLine[]): NewTransaction[] {
	const byOrder = new Map<string, PaymentLine[]>();
	for (const x of all) {
		const list = byOrder.get(x.l.orderId);
		if (list) list.push(x);
		else byOrder.set(x.l.orderId, [x]);
	}
	return [...byOrder.values()].map((lines) => {
		const first = lines[0]!.l;
		const oneLot = lines.every((x) => x.l.lotId === first.lotId);
		return {
			kind: 'payment',
			key: `payment:${first.saleLineId}`,
			at: lines[0]!.paidAt,
			...saleRefs(first),
			saleLineId: lines.length === 1 ? first.saleLineId : null,
			lotId: oneLot ? first.lotId : null,
			postings: paymentPostings(
				lines.map(({ l }) => ({ saleLineId: l.saleLineId, lotId: l.lotId, grossFen: l.grossFen }))
			)
		};
	});
}

/**
 * Money back to the consumer for a sale line (any part of what is still unrefunded). Before
 * settlement it comes out of escrow; after settlement the platform pays it and claws the
 * difference back from the supplier's, host's and platform's shares (so commission stays
 * shareFen(net) exactly, and the host's payable can go below zero until the next statement).
 * `refId` is the idempotency key: the same refund sent twice posts once.
 */
export async function recordRefund(
	tx: Tx,
	raw: { saleLineId: string; amountFen: number; reason: RefundReason; refId: string; at?: Date }
): Promise<void> {
	const input = parse(RefundInput, raw);
	const key = `refund:${input.refId}`;
	const [sale] = await tx
		.select()
		.from(ledgerSales)
		.where(eq(ledgerSales.saleLineId, input.saleLineId))
		.for('update');
	if (!sale) throw notFound('Sale line', 'saleLineId');
	const [seen] = await tx
		.select({ saleLineId: ledgerTransactions.saleLineId })
		.from(ledgerTransactions)
		.where(eq(ledgerTransactions.idempotencyKey, key));
	if (seen) {
		if (seen.saleLineId !== sale.saleLineId)
			throw new AppError('conflict', 'conflict', 'err.refund_id_reused', {
				field: 'refId'
			});
		return;
	}
	const refundable = sale.grossFen - sale.refundedFen;
	if (input.amountFen > refundable)
		throw new AppError('rule', 'refund_too_large', 'err.refund_too_large', {
			field: 'amountFen',
			params: { fen: refundable },
			details: { refundableFen: refundable }
		});
	const settled = sale.settledAt !== null;
	await post(tx, [
		{
			kind: settled ? 'clawback' : 'refund',
			key,
			at: input.at ?? new Date(),
			...saleRefs(sale),
			refId: input.refId,
			memo: input.reason,
			postings: settled
				? refundAfterSettlementPostings(refundable, input.amountFen, parties(sale)).postings
				: refundFromEscrowPostings(input.amountFen)
		}
	]);
	await tx
		.update(ledgerSales)
		.set({ refundedFen: sql`${ledgerSales.refundedFen} + ${input.amountFen}` })
		.where(eq(ledgerSales.saleLineId, sale.saleLineId));
}

/**
 * Lines were delivered: each settles once its return window has passed
 * (settle_after = deliveredAt + returnWindowDays). No money moves. A later delivery of the same
 * line (a replacement) moves settle_after again, until the line is settled.
 */
export async function recordDelivered(
	tx: Tx,
	raw: { saleLineIds: string[]; deliveredAt: Date; returnWindowDays: number }
): Promise<void> {
	const input = parse(DeliveredInput, raw);
	const ids = [...new Set(input.saleLineIds)];
	const known = await tx
		.select({ id: ledgerSales.saleLineId })
		.from(ledgerSales)
		.where(inArray(ledgerSales.saleLineId, ids));
	if (known.length !== ids.length) throw notFound('Sale line', 'saleLineIds');
	const settleAfter = new Date(input.deliveredAt.getTime() + input.returnWindowDays * 86_400_000);
	await tx
		.update(ledgerSales)
		.set({ deliveredAt: input.deliveredAt, settleAfter })
		.where(and(inArray(ledgerSales.saleLineId, ids), isNull(ledgerSales.settledAt)));
}

/** A cost the platform paid and charges to a supplier (e.g. replacement freight). */
export async function recordSupplierCharge(
	tx: Tx,
	raw: { supplierOrgId: string; amountFen: number; reason: string; refId: string; at?: Date }
): Promise<void> {
	const input = parse(ChargeInput, raw);
	await post(tx, [
		{
			kind: 'supplier_charge',
			key: `charge:${input.refId}`,
			at: raw.at ?? new Date(),
			orgId: input.supplierOrgId,
			refId: input.refId,
			memo: input.reason,
			postings: supplierChargePostings(input.supplierOrgId, input.amountFen)
		}
	]);
}

interface DueRow extends Record<string, unknown> {
	sale_line_id: string;
	order_id: string;
	show_id: string | null;
	lot_id: string;
	host_team_id: string | null;
	supplier_org_id: string;
	gross_fen: string | number;
	refunded_fen: string | number;
	commission_bp: number;
	fee_bp: number;
}

/**
 * One batch: claim up to `n` due lines (FOR UPDATE SKIP LOCKED, so another node running the job
 * takes other lines and a line being refunded right now waits for the next run), post each
 * line's settlement, mark the lines settled, all in one transaction.
 */
async function settleBatch(tx: Tx, now: Date, n: number) {
	const due = await execRows<DueRow>(
		sql`select sale_line_id, order_id, show_id, lot_id, host_team_id, supplier_org_id,
				gross_fen, refunded_fen, commission_bp, fee_bp
			from ledger_sales
			where settled_at is null and settle_after <= ${now.toISOString()}::timestamptz
			order by settle_after
			limit ${n}
			for update skip locked`,
		tx
	);
	if (due.length === 0) return { claimed: 0, settled: 0, entries: 0 };
	const txns: NewTransaction[] = [];
	const marks: { id: string; net: number }[] = [];
	for (const d of due) {
		const net = Number(d.gross_fen) - Number(d.refunded_fen);
		const { postings } = settlementPostings(net, {
			supplierOrgId: d.supplier_org_id,
			hostOrgId: d.host_team_id,
			commissionBp: d.commission_bp,
			feeBp: d.fee_bp
		});
		txns.push({
			kind: 'settlement',
			key: `settle:${d.sale_line_id}`,
			at: now,
			saleLineId: d.sale_line_id,
			orderId: d.order_id,
			showId: d.show_id,
			lotId: d.lot_id,
			postings
		});
		marks.push({ id: d.sale_line_id, net });
	}
	const posted = await post(tx, txns);
	await tx.execute(sql`update ledger_sales s set settled_at = ${now.toISOString()}::timestamptz,
			settled_net_fen = m.net
		from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as m(id uuid, net bigint)
		where s.sale_line_id = m.id`);
	return { claimed: due.length, settled: due.length, entries: posted.entries };
}

/**
 * The settlement job: every delivered line whose return window has passed releases its net
 * (paid − refunded) from escrow to supplier, host and platform. Batched (one set-based posting
 * per batch of policy.money.settleBatchSize lines), with policy.money.settleWorkers batches in
 * flight at once; safe to run twice or on two nodes at once (row claims with SKIP LOCKED, plus
 * idempotency keys). A fully refunded line is closed with nothing to post.
 */
export async function settleDue(
	now: Date = new Date(),
	limit: number = Number.POSITIVE_INFINITY
): Promise<{ settled: number; entries: number }> {
	const { settleBatchSize: batch, settleWorkers } = currentPolicy().money;
	let settled = 0;
	let claimed = 0;
	let entries = 0;
	let done = false;
	const worker = async () => {
		while (!done && claimed < limit) {
			const n = Math.min(batch, limit - claimed);
			claimed += n;
			const r = await db().transaction((tx) => settleBatch(tx, now, n));
			claimed -= n - r.claimed;
			settled += r.settled;
			entries += r.entries;
			if (r.claimed < n) done = true;
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, settleWorkers) }, worker));
	return { settled, entries };
}
