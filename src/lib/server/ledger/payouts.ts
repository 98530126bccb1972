import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { idParam, z } from '$lib/server/validation';
import { payoutPostings } from '$lib/domain/ledger';
import { db, execRows, type DbOrTx } from '../db';
import { ledgerPayouts, orgs, type LedgerPayout } from '../db/schema';
import { AppError, notFound, parse } from '../errors';
import type { Principal } from '../auth/principal';
import { accountId } from './accounts';
import { authorizeParty, partyOrg, requireOperator, type PartyOrg } from './access';
import { post } from './post';
import { isUuid } from '../ids';

export const CreatePayoutInput = z.object({
	orgId: z.uuid({ error: 'v.id' }),
	/** Defaults to everything the party is owed that no pending payout already covers. */
	amountFen: z
		.number({ error: 'ledger.err.amount' })
		.int({ error: 'ledger.err.amount' })
		.min(1, { error: 'ledger.err.amount' })
		.max(Number.MAX_SAFE_INTEGER)
		.optional()
});
export const MarkPaidInput = z.object({
	reference: z
		.string({ error: 'ledger.err.reference' })
		.trim()
		.min(1, { error: 'ledger.err.reference' })
		.max(200, { error: 'ledger.err.reference' })
});

export interface PayoutView {
	id: string;
	orgId: string;
	orgName: string;
	accountKind: string;
	amountFen: number;
	status: 'pending' | 'paid' | 'cancelled';
	reference: string | null;
	createdAt: string;
	paidAt: string | null;
}

const toView = (p: LedgerPayout, orgName: string): PayoutView => ({
	id: p.id,
	orgId: p.orgId,
	orgName,
	accountKind: p.accountKind,
	amountFen: p.amountFen,
	status: p.status,
	reference: p.reference,
	createdAt: p.createdAt.toISOString(),
	paidAt: p.paidAt?.toISOString() ?? null
});

/** What the platform owes a party on its payable account, from the entries. */
export async function owedBalance(org: PartyOrg, tx: DbOrTx = db()): Promise<number> {
	const [r] = await execRows<{ s: string | number }>(
		sql`select coalesce(-sum(amount_fen), 0) as s from ledger_entries
			where account_id = ${accountId({ kind: org.account, orgId: org.id })}`,
		tx
	);
	return Number(r!.s);
}

async function pendingPayouts(orgId: string, tx: DbOrTx): Promise<number> {
	const [r] = await execRows<{ s: string | number }>(
		sql`select coalesce(sum(amount_fen), 0) as s from ledger_payouts
			where org_id = ${orgId} and status = 'pending'`,
		tx
	);
	return Number(r!.s);
}

/** One payout decision per party at a time (two operators clicking at once). */
const lockParty = (tx: DbOrTx, orgId: string) =>
	tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ledger.payout:${orgId}`}))`);

/**
 * The operator opens a payout of a host team's or supplier's positive balance (all of what is
 * not yet covered by a pending payout, unless an amount is given). No money moves until it is
 * marked paid.
 */
export async function createPayout(actor: Principal, raw: unknown): Promise<PayoutView> {
	requireOperator(actor);
	const input = parse(CreatePayoutInput, raw);
	return db().transaction(async (tx) => {
		const org = await partyOrg(input.orgId, tx);
		await lockParty(tx, org.id);
		const available = (await owedBalance(org, tx)) - (await pendingPayouts(org.id, tx));
		const amount = input.amountFen ?? available;
		if (amount < 1 || amount > available)
			throw new AppError('rule', 'payout_exceeds_balance', 'ledger.err.payout_exceeds', {
				field: 'amountFen',
				details: { availableFen: Math.max(0, available) }
			});
		const [p] = await tx
			.insert(ledgerPayouts)
			.values({
				orgId: org.id,
				accountKind: org.account,
				amountFen: amount,
				createdBy: actor.userId
			})
			.returning();
		return toView(p!, org.name);
	});
}

async function lockedPayout(tx: DbOrTx, id: string) {
	if (!isUuid(id)) throw notFound('Payout', 'id');
	const [p] = await tx.select().from(ledgerPayouts).where(eq(ledgerPayouts.id, id)).for('update');
	if (!p) throw notFound('Payout', 'id');
	return p;
}

/**
 * The money went out: posts payable → cash for the payout's amount and records the bank
 * reference. Marking the same payout paid again with the same reference is a no-op.
 */
export async function markPayoutPaid(
	actor: Principal,
	id: string,
	raw: unknown
): Promise<PayoutView> {
	requireOperator(actor);
	const { reference } = parse(MarkPaidInput, raw);
	return db().transaction(async (tx) => {
		const p = await lockedPayout(tx, id);
		const org = await partyOrg(p.orgId, tx);
		if (p.status === 'paid' && p.reference === reference) return toView(p, org.name);
		if (p.status !== 'pending')
			throw new AppError('conflict', 'payout_not_pending', 'ledger.err.payout_not_pending', {
				field: 'id'
			});
		await lockParty(tx, org.id);
		const owed = await owedBalance(org, tx);
		if (owed < p.amountFen)
			throw new AppError('rule', 'payout_exceeds_balance', 'ledger.err.payout_exceeds', {
				field: 'amountFen',
				details: { availableFen: Math.max(0, owed) }
			});
		const now = new Date();
		const posted = await post(tx, [
			{
				kind: 'payout',
				key: `payout:${p.id}`,
				at: now,
				orgId: org.id,
				refId: reference,
				postings: payoutPostings({ kind: org.account, orgId: org.id }, p.amountFen)
			}
		]);
		const [done] = await tx
			.update(ledgerPayouts)
			.set({
				status: 'paid',
				reference,
				paidAt: now,
				paidBy: actor.userId,
				transactionId: posted.ids.get(`payout:${p.id}`) ?? null
			})
			.where(eq(ledgerPayouts.id, p.id))
			.returning();
		return toView(done!, org.name);
	});
}

/** A pending payout withdrawn (nothing was posted for it). */
export async function cancelPayout(actor: Principal, id: string): Promise<PayoutView> {
	requireOperator(actor);
	return db().transaction(async (tx) => {
		const p = await lockedPayout(tx, id);
		if (p.status !== 'pending')
			throw new AppError('conflict', 'payout_not_pending', 'ledger.err.payout_not_pending', {
				field: 'id'
			});
		const [done] = await tx
			.update(ledgerPayouts)
			.set({ status: 'cancelled' })
			.where(eq(ledgerPayouts.id, p.id))
			.returning();
		const org = await partyOrg(p.orgId, tx);
		return toView(done!, org.name);
	});
}

/** Payouts: all of them for the operator (optionally one party's), a party's own otherwise. */
export async function listPayouts(
	actor: Principal,
	opts: { orgId?: string; status?: LedgerPayout['status'][]; limit?: number } = {}
): Promise<PayoutView[]> {
	// A party named in the query string is an id (a 400 naming it, not a 500 from Postgres).
	let orgId = opts.orgId === undefined ? undefined : idParam(opts.orgId, 'orgId');
	if (actor.role !== 'operator') {
		orgId = (await authorizeParty(actor, opts.orgId ?? actor.orgId ?? '')).id;
	}
	const rows = await db()
		.select({ p: ledgerPayouts, orgName: orgs.name })
		.from(ledgerPayouts)
		.innerJoin(orgs, eq(orgs.id, ledgerPayouts.orgId))
		.where(
			and(
				orgId ? eq(ledgerPayouts.orgId, orgId) : undefined,
				opts.status?.length ? inArray(ledgerPayouts.status, opts.status) : undefined
			)
		)
		.orderBy(desc(ledgerPayouts.createdAt))
		.limit(Math.min(opts.limit ?? 100, 500));
	return rows.map((r) => toView(r.p, r.orgName));
}
