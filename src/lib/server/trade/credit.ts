// Credit terms (账期, issue 21; docs/TRADE.md "Credit terms: the service"): a buyer
// organisation's application, an operator's decision (limit and term, or a reason), changes with
// history, the invoice a terms order becomes on release, repayments (allocated oldest first) and
// write-offs. Money goes through `trade.money` (the ledger's subscription) in the same
// transaction, postings from the pure rules (domain/trade/credit.ts). Lock order: an order (its
// move) before the account; the account before its invoices.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import {
	aging,
	allocateRepayment,
	blockingInvoice,
	exposureFen,
	invoiceDueAt,
	outstandingFen,
	parseUscc,
	repaymentPostings,
	termsAcceptancePostings,
	writeOffPostings,
	type AgingBucket,
	type OpenInvoice
} from '$lib/domain/trade/credit';
import type { TradePolicy } from '$lib/domain/trade/policy';
import { z } from '$lib/server/validation';
import { isOperator, type Principal } from '../auth/principal';
import { db, execRows, type Tx } from '../db';
import {
	orgs,
	tradeCreditAccounts,
	tradeCreditChanges,
	tradeInvoices,
	tradeRepaymentAllocations,
	tradeRepayments,
	type TradeCreditAccount
} from '../db/schema';
import { AppError, forbidden, parse } from '../errors';
import { publishCommitted, publishInTx, transaction } from '../events/bus';
import { currentPolicy } from '../platform/policy';
import { buyerOrgOf } from './cart';
import type { TradeOrderRow } from './transition';

// ------------------------------------------------------------------------------ inputs

const text = (max: number) => z.string().trim().min(1).max(max);

export const CreditApplicationInput = z.strictObject({
	companyName: text(200),
	uscc: z
		.string()
		.max(40)
		.refine((v) => parseUscc(v) !== null, { error: 'trade.credit.err.uscc' }),
	tradeReferences: z
		.array(z.strictObject({ name: text(200), contact: text(200) }))
		.min(1)
		.max(5)
});

export const CreditDecisionInput = z.discriminatedUnion('decision', [
	z.strictObject({
		decision: z.literal('approve'),
		limitFen: z
			.number()
			.int()
			.min(1)
			.refine((v) => v <= currentPolicy().trade.credit.maxLimitFen, { error: 'v.too_big' }),
		termDays: z
			.number()
			.int()
			.refine((v) => currentPolicy().trade.credit.termDays.includes(v), {
				error: 'trade.credit.err.term'
			}),
		reason: z.string().trim().max(500).default('')
	}),
	z.strictObject({ decision: z.literal('decline'), reason: text(500) }),
	z.strictObject({ decision: z.literal('suspend'), reason: text(500) })
]);

export const RepaymentInput = z.strictObject({
	amountFen: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
	reference: z
		.string()
		.trim()
		.min(4)
		.max(64)
		.regex(/^[A-Za-z0-9-]+$/, { error: 'trade.err.bank_reference' })
});

export const WriteOffInput = z.strictObject({ reason: text(500) });

const BuyerOrgIdInput = z.uuid();
const InvoiceIdInput = z.uuid();

// ----------------------------------------------------------------------------- reading

const accountNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.credit.err.account_not_found');
const invoiceNotFound = () =>
	new AppError('not_found', 'not_found', 'trade.credit.err.invoice_not_found');
const operatorOnly = (p: Principal) => {
	if (!isOperator(p) || !p.userId) throw forbidden('trade.err.operator_only');
	return p.userId;
};

const asOpen = (i: typeof tradeInvoices.$inferSelect): OpenInvoice => ({
	invoiceId: i.id,
	issuedAt: i.issuedAt,
	dueAt: i.dueAt,
	amountFen: i.amountFen,
	paidFen: i.paidFen,
	writtenOffFen: i.writtenOffFen
});

/** The buyer's open invoices (optionally locked: repayments and write-offs change them). */
export async function openInvoices(
	tx: Tx,
	buyerOrgId: string,
	forUpdate = false
): Promise<OpenInvoice[]> {
	const q = tx
		.select()
		.from(tradeInvoices)
		.where(and(eq(tradeInvoices.buyerOrgId, buyerOrgId), isNull(tradeInvoices.closedAt)))
		.orderBy(asc(tradeInvoices.dueAt), asc(tradeInvoices.issuedAt), asc(tradeInvoices.id));
	const rows = forUpdate ? await q.for('update') : await q;
	return rows.map(asOpen);
}

export interface CreditAccountView {
	account: TradeCreditAccount;
	usedFen: number;
	availableFen: number;
	/** The exposure has reached the warning share of the limit. */
	warn: boolean;
	/** An invoice beyond the grace days blocks checkout on terms. */
	blocked: { invoiceId: string; dueAt: Date } | null;
	invoices: (typeof tradeInvoices.$inferSelect)[];
	changes: (typeof tradeCreditChanges.$inferSelect)[];
}

async function viewOf(buyerOrgId: string, now: Date): Promise<CreditAccountView | null> {
	const policy = currentPolicy().trade;
	const [account] = await db()
		.select()
		.from(tradeCreditAccounts)
		.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId));
	if (!account) return null;
	const invoices = await db()
		.select()
		.from(tradeInvoices)
		.where(eq(tradeInvoices.buyerOrgId, buyerOrgId))
		.orderBy(asc(tradeInvoices.dueAt), asc(tradeInvoices.id));
	const changes = await db()
		.select()
		.from(tradeCreditChanges)
		.where(eq(tradeCreditChanges.buyerOrgId, buyerOrgId))
		.orderBy(asc(tradeCreditChanges.at), asc(tradeCreditChanges.id));
	const open = invoices.filter((i) => !i.closedAt).map(asOpen);
	const usedFen = exposureFen(open, account.inFlightFen);
	const late = blockingInvoice(open, now, policy);
	return {
		account,
		usedFen,
		availableFen: account.status === 'approved' ? Math.max(0, account.limitFen - usedFen) : 0,
		warn:
			account.status === 'approved' && usedFen * 10000 >= account.limitFen * policy.credit.warnBp,
		blocked: late ? { invoiceId: late.invoiceId, dueAt: late.dueAt } : null,
		invoices,
		changes
	};
}

/** The buyer's own credit account (null before applying). */
export async function myCredit(p: Principal, now = new Date()): Promise<CreditAccountView | null> {
	return viewOf(buyerOrgOf(p), now);
}

/** An operator's view of one buyer's account (404 without one). */
export async function creditAccount(
	p: Principal,
	buyerOrgId: unknown,
	now = new Date()
): Promise<CreditAccountView> {
	operatorOnly(p);
	const v = await viewOf(parse(BuyerOrgIdInput, buyerOrgId), now);
	if (!v) throw accountNotFound();
	return v;
}

/** Every account with its limit / used / available (operators). */
export async function listCreditAccounts(p: Principal, now = new Date()) {
	operatorOnly(p);
	const rows = await db()
		.select({ id: tradeCreditAccounts.buyerOrgId, buyerName: orgs.name })
		.from(tradeCreditAccounts)
		.innerJoin(orgs, eq(orgs.id, tradeCreditAccounts.buyerOrgId))
		.orderBy(asc(tradeCreditAccounts.createdAt));
	const out = [];
	for (const r of rows) {
		const v = (await viewOf(r.id, now))!;
		out.push({
			buyerOrgId: r.id,
			buyerName: r.buyerName,
			account: v.account,
			usedFen: v.usedFen,
			availableFen: v.availableFen,
			warn: v.warn,
			blocked: v.blocked,
			invoices: v.invoices,
			changes: v.changes
		});
	}
	return out;
}

/** The aging report: each buyer's outstanding per bucket (current, 1–30, 31–60, 60+ days). */
export async function agingReport(
	p: Principal,
	now = new Date()
): Promise<{ buyerOrgId: string; buyerName: string; buckets: Record<AgingBucket, number> }[]> {
	operatorOnly(p);
	const rows = await db()
		.select({ invoice: tradeInvoices, buyerName: orgs.name })
		.from(tradeInvoices)
		.innerJoin(orgs, eq(orgs.id, tradeInvoices.buyerOrgId))
		.where(isNull(tradeInvoices.closedAt))
		.orderBy(asc(orgs.name), asc(tradeInvoices.dueAt));
	const byBuyer = new Map<string, { buyerName: string; invoices: OpenInvoice[] }>();
	for (const r of rows) {
		const b = byBuyer.get(r.invoice.buyerOrgId) ?? { buyerName: r.buyerName, invoices: [] };
		b.invoices.push(asOpen(r.invoice));
		byBuyer.set(r.invoice.buyerOrgId, b);
	}
	return [...byBuyer].map(([buyerOrgId, b]) => ({
		buyerOrgId,
		buyerName: b.buyerName,
		buckets: aging(b.invoices, now)
	}));
}

// ------------------------------------------------------------------ application, decision

/** A buyer organisation applies (or re-applies after a decline): 409 while applied/approved. */
export async function applyForCredit(
	p: Principal,
	raw: unknown,
	now = new Date()
): Promise<TradeCreditAccount> {
	const buyerOrgId = buyerOrgOf(p);
	const input = parse(CreditApplicationInput, raw);
	const uscc = parseUscc(input.uscc)!;
	return transaction(async (tx) => {
		const [taken] = await tx
			.select({ buyerOrgId: tradeCreditAccounts.buyerOrgId })
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.uscc, uscc));
		if (taken && taken.buyerOrgId !== buyerOrgId) {
			throw new AppError('conflict', 'uscc_taken', 'trade.credit.err.uscc_taken', {
				field: 'uscc'
			});
		}
		const [existing] = await tx
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId))
			.for('update');
		if (existing && existing.status !== 'declined') {
			throw new AppError('conflict', 'credit_applied', 'trade.credit.err.already_applied');
		}
		const values = {
			companyName: input.companyName,
			uscc,
			tradeReferences: input.tradeReferences,
			status: 'applied' as const,
			limitFen: 0,
			termDays: null,
			declineReason: null,
			decidedBy: null,
			decidedAt: null
		};
		const [row] = existing
			? await tx
					.update(tradeCreditAccounts)
					.set({ ...values, version: existing.version + 1 })
					.where(eq(tradeCreditAccounts.buyerOrgId, buyerOrgId))
					.returning()
			: await tx
					.insert(tradeCreditAccounts)
					.values({ buyerOrgId, ...values, createdAt: now })
					.returning();
		await tx.insert(tradeCreditChanges).values({
			buyerOrgId,
			status: 'applied',
			limitFen: 0,
			termDays: null,
			reason: '',
			changedBy: p.userId ?? null,
			at: now
		});
		return row!;
	});
}

/**
 * An operator approves (limit and term; also how a limit or term is changed later), declines
 * with a reason, or suspends an account. Every decision is a row of the account's history.
 */
export async function decideCredit(
	p: Principal,
	buyerOrgId: unknown,
	raw: unknown,
	now = new Date()
): Promise<TradeCreditAccount> {
	const userId = operatorOnly(p);
	const id = parse(BuyerOrgIdInput, buyerOrgId);
	const input = parse(CreditDecisionInput, raw);
	const out = await transaction(async (tx) => {
		const [account] = await tx
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, id))
			.for('update');
		if (!account) throw accountNotFound();
		const patch =
			input.decision === 'approve'
				? {
						status: 'approved' as const,
						limitFen: input.limitFen,
						termDays: input.termDays,
						declineReason: null
					}
				: {
						status: input.decision === 'decline' ? ('declined' as const) : ('suspended' as const),
						limitFen: account.limitFen,
						termDays: account.termDays,
						declineReason: input.reason
					};
		if (input.decision === 'decline' && account.status !== 'applied') {
			throw new AppError('conflict', 'credit_state', 'trade.credit.err.state');
		}
		if (input.decision === 'suspend' && account.status !== 'approved') {
			throw new AppError('conflict', 'credit_state', 'trade.credit.err.state');
		}
		const [row] = await tx
			.update(tradeCreditAccounts)
			.set({ ...patch, decidedBy: userId, decidedAt: now, version: account.version + 1 })
			.where(eq(tradeCreditAccounts.buyerOrgId, id))
			.returning();
		await tx.insert(tradeCreditChanges).values({
			buyerOrgId: id,
			status: patch.status,
			limitFen: patch.limitFen,
			termDays: patch.termDays,
			reason: input.reason,
			changedBy: userId,
			at: now
		});
		return row!;
	});
	publishCommitted('trade.credit.changed', { buyerOrgId: id, change: 'decision', at: now });
	return out;
}

// ----------------------------------------------------------------- the order's money

/**
 * The money step of a terms order inside its `move` (the order row is locked): on release the
 * order becomes an invoice due after the account's term (from now, the acceptance), posted as
 * buyer_receivable / supplier / revenue, and leaves the in-flight exposure; on a refund (cancel,
 * SLA) it only leaves the exposure. Rulings on terms orders are not handled here (issue 20).
 */
export async function termsMoney(
	tx: Tx,
	order: TradeOrderRow,
	money: 'escrow_in' | 'refund_all' | 'release' | 'by_ruling',
	now: Date,
	policy: TradePolicy
): Promise<void> {
	if (money === 'escrow_in' || money === 'by_ruling') return;
	const [account] = await tx
		.select()
		.from(tradeCreditAccounts)
		.where(eq(tradeCreditAccounts.buyerOrgId, order.buyerOrgId))
		.for('update');
	if (!account) throw new Error(`terms order ${order.id} without a credit account`);
	await tx
		.update(tradeCreditAccounts)
		.set({
			inFlightFen: sql`greatest(0, ${tradeCreditAccounts.inFlightFen} - ${order.totalFen})`,
			version: account.version + 1
		})
		.where(eq(tradeCreditAccounts.buyerOrgId, order.buyerOrgId));
	if (money === 'refund_all') return;
	const terms = termsAcceptancePostings({
		buyerOrgId: order.buyerOrgId,
		supplierOrgId: order.supplierId,
		goodsFen: order.goodsFen + order.packagingFen,
		freightFen: order.freightFen,
		feeBp: order.feeBp
	});
	const termDays = account.termDays ?? Math.max(...policy.credit.termDays);
	const [invoice] = await tx
		.insert(tradeInvoices)
		.values({
			buyerOrgId: order.buyerOrgId,
			orderId: order.id,
			amountFen: terms.invoiceFen,
			issuedAt: now,
			dueAt: invoiceDueAt(now, termDays, policy)
		})
		.returning();
	await publishInTx(tx, 'trade.money', {
		kind: 'invoice',
		key: `credit:${order.id}:invoice`,
		at: now,
		orderId: order.id,
		buyerOrgId: order.buyerOrgId,
		supplierId: order.supplierId,
		memo: `#${order.number} INV${invoice!.number}`,
		refId: `INV${invoice!.number}`,
		postings: terms.postings
	});
}

// ------------------------------------------------------------- repayments, write-offs

/** Applies amounts to invoices (locked) and closes the paid-off ones. */
async function applyToInvoice(
	tx: Tx,
	invoiceId: string,
	column: 'paid' | 'written_off',
	amountFen: number,
	now: Date
) {
	const col = column === 'paid' ? tradeInvoices.paidFen : tradeInvoices.writtenOffFen;
	const [row] = await tx
		.update(tradeInvoices)
		.set({
			[column === 'paid' ? 'paidFen' : 'writtenOffFen']: sql`${col} + ${amountFen}`,
			closedAt: sql`case when ${tradeInvoices.paidFen} + ${tradeInvoices.writtenOffFen} + ${amountFen} = ${tradeInvoices.amountFen} then ${now.toISOString()}::timestamptz else null end`
		})
		.where(eq(tradeInvoices.id, invoiceId))
		.returning();
	return row!;
}

/** The order behind an invoice (its supplier names the ledger transaction's party). */
async function invoiceOrder(tx: Tx, orderId: string) {
	const [o] = await execRows<{ supplier_id: string }>(
		sql`select supplier_id from trade_orders where id = ${orderId}`,
		tx
	);
	return o!;
}

/**
 * An operator records a repayment (a bank transfer's reference): allocated to the buyer's open
 * invoices oldest due first; more than the buyer owes is refused (422 `overpayment`, with what
 * is owed). One ledger transaction per invoice paid (cash / buyer_receivable).
 */
export async function recordRepayment(
	p: Principal,
	buyerOrgId: unknown,
	raw: unknown,
	now = new Date(),
	intentId: string | null = null
) {
	const userId = intentId ? null : operatorOnly(p);
	const id = parse(BuyerOrgIdInput, buyerOrgId);
	const input = parse(RepaymentInput, raw);
	const out = await transaction(async (tx) => {
		const [account] = await tx
			.select()
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, id))
			.for('update');
		if (!account) throw accountNotFound();
		const [dup] = await tx
			.select({ id: tradeRepayments.id })
			.from(tradeRepayments)
			.where(
				and(eq(tradeRepayments.buyerOrgId, id), eq(tradeRepayments.reference, input.reference))
			);
		if (dup) {
			throw new AppError('conflict', 'repayment_duplicate', 'trade.credit.err.duplicate', {
				field: 'reference'
			});
		}
		const open = await openInvoices(tx, id, true);
		const owed = open.reduce((s, i) => s + outstandingFen(i), 0);
		const { allocations, leftoverFen } =
			owed > 0 ? allocateRepayment(open, input.amountFen) : { allocations: [], leftoverFen: 1 };
		if (leftoverFen > 0) {
			throw new AppError('rule', 'overpayment', 'trade.credit.err.overpayment', {
				field: 'amountFen',
				params: { owedFen: owed, owed: (owed / 100).toFixed(2) },
				details: { owedFen: owed }
			});
		}
		const [repayment] = await tx
			.insert(tradeRepayments)
			.values({
				buyerOrgId: id,
				amountFen: input.amountFen,
				reference: input.reference,
				intentId,
				recordedBy: userId,
				at: now
			})
			.returning();
		for (const a of allocations) {
			await tx
				.insert(tradeRepaymentAllocations)
				.values({ repaymentId: repayment!.id, invoiceId: a.invoiceId, amountFen: a.amountFen });
			const inv = await applyToInvoice(tx, a.invoiceId, 'paid', a.amountFen, now);
			const o = await invoiceOrder(tx, inv.orderId);
			await publishInTx(tx, 'trade.money', {
				kind: 'repayment',
				key: `credit:${repayment!.id}:${a.invoiceId}`,
				at: now,
				orderId: inv.orderId,
				buyerOrgId: id,
				supplierId: o.supplier_id,
				memo: `INV${inv.number} ${input.reference}`,
				refId: input.reference,
				postings: repaymentPostings(id, a.amountFen)
			});
		}
		return { repayment: repayment!, allocations };
	});
	publishCommitted('trade.credit.changed', { buyerOrgId: id, change: 'repayment', at: now });
	return out;
}

/** An operator writes off what is left of an invoice (credit_loss / buyer_receivable). */
export async function writeOffInvoice(
	p: Principal,
	invoiceId: unknown,
	raw: unknown,
	now = new Date()
) {
	operatorOnly(p);
	const id = parse(InvoiceIdInput, invoiceId);
	parse(WriteOffInput, raw);
	const out = await transaction(async (tx) => {
		const [head] = await tx
			.select({ buyerOrgId: tradeInvoices.buyerOrgId })
			.from(tradeInvoices)
			.where(eq(tradeInvoices.id, id));
		if (!head) throw invoiceNotFound();
		// Account before invoices, as repayments lock them.
		await tx
			.select({ v: tradeCreditAccounts.version })
			.from(tradeCreditAccounts)
			.where(eq(tradeCreditAccounts.buyerOrgId, head.buyerOrgId))
			.for('update');
		const [inv] = await tx
			.select()
			.from(tradeInvoices)
			.where(eq(tradeInvoices.id, id))
			.for('update');
		const left = outstandingFen(asOpen(inv!));
		if (left <= 0) throw new AppError('conflict', 'invoice_closed', 'trade.credit.err.closed');
		const row = await applyToInvoice(tx, id, 'written_off', left, now);
		const o = await invoiceOrder(tx, inv!.orderId);
		await publishInTx(tx, 'trade.money', {
			kind: 'write_off',
			key: `credit:${id}:write_off`,
			at: now,
			orderId: inv!.orderId,
			buyerOrgId: head.buyerOrgId,
			supplierId: o.supplier_id,
			memo: `INV${inv!.number}`,
			refId: `INV${inv!.number}`,
			postings: writeOffPostings(head.buyerOrgId, left)
		});
		return row;
	});
	publishCommitted('trade.credit.changed', {
		buyerOrgId: out.buyerOrgId,
		change: 'write_off',
		at: now
	});
	return out;
}

// ----------------------------------------------------------------------- aging export

export const AgingFormatInput = z.enum(['json', 'csv', 'xlsx'], { error: 'v.choice' });

const AGING_HEADER = ['buyer_org_id', 'buyer', 'current', 'd1_30', 'd31_60', 'd60_plus', 'total'];
const yuan = (fen: number) => (fen / 100).toFixed(2);
/** A CSV cell: quoted when needed; a leading formula character is neutralised. */
const csvCell = (v: string) => {
	const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The aging report as CSV (UTF-8 with BOM for Excel) or XLSX, amounts in yuan. */
export async function agingExport(
	p: Principal,
	format: unknown,
	now = new Date()
): Promise<{ body: Buffer; contentType: string; filename: string } | null> {
	const f = parse(AgingFormatInput, format);
	const rows = await agingReport(p, now);
	if (f === 'json') return null;
	const table = rows.map((r) => {
		const b = r.buckets;
		return [
			r.buyerOrgId,
			r.buyerName,
			yuan(b.current),
			yuan(b.d1_30),
			yuan(b.d31_60),
			yuan(b.d60_plus),
			yuan(b.current + b.d1_30 + b.d31_60 + b.d60_plus)
		];
	});
	const day = now.toISOString().slice(0, 10);
	if (f === 'csv') {
		const text = [AGING_HEADER, ...table].map((r) => r.map(csvCell).join(',')).join('\r\n');
		return {
			body: Buffer.from(`\uFEFF${text}\r\n`, 'utf8'),
			contentType: 'text/csv; charset=utf-8',
			filename: `aging-${day}.csv`
		};
	}
	const { default: ExcelJS } = await import('exceljs');
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('aging');
	ws.addRow(AGING_HEADER);
	for (const r of table) ws.addRow([r[0], r[1], ...r.slice(2).map(Number)]);
	return {
		body: Buffer.from(await wb.xlsx.writeBuffer()),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		filename: `aging-${day}.xlsx`
	};
}
