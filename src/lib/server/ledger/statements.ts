import { sql } from 'drizzle-orm';
import { isoDay, isoMonth, z } from '$lib/server/validation';
import {
	chinaDay,
	chinaDayStart,
	chinaMonth,
	monthPeriod,
	withRunningBalance
} from '$lib/domain/ledger';
import { execRows } from '../db';
import { parse } from '../errors';
import type { Principal } from '../auth/principal';
import { accountId } from './accounts';
import { authorizeParty, type PartyOrg } from './access';
import type { TxnKind } from './post';

const DAY = 86_400_000;

/** `?month=YYYY-MM` (China time), or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (both days included). */
export const PeriodQuery = z
	.object({
		// Within INPUT_DATE_MIN…MAX: year 0001 or month 0000-01 must not silently read as 1900.
		month: isoMonth('ledger.err.month').optional(),
		from: isoDay('ledger.err.date').optional(),
		to: isoDay('ledger.err.date').optional()
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, {
		error: 'ledger.err.range',
		path: ['to']
	});

export interface Period {
	from: Date;
	to: Date;
	/** How the period is named back to the caller (`2026-11` or `2026-11-03…2026-11-20`). */
	label: string;
}

/** The statement period a query asks for; the current China month by default. */
export function resolvePeriod(raw: unknown, now: Date = new Date()): Period {
	const q = parse(PeriodQuery, raw ?? {});
	if (q.from || q.to) {
		const from = q.from ?? `${(q.to ?? chinaDay(now)).slice(0, 7)}-01`;
		const to = q.to ?? chinaDay(now);
		return {
			from: chinaDayStart(from),
			to: new Date(chinaDayStart(to).getTime() + DAY),
			label: `${from}…${to}`
		};
	}
	const month = q.month ?? chinaMonth(now);
	return { ...monthPeriod(month), label: month };
}

export interface StatementLine {
	entryId: number;
	at: string;
	kind: TxnKind;
	orderId: string | null;
	saleLineId: string | null;
	showId: string | null;
	lotId: string | null;
	refId: string | null;
	memo: string;
	/** What the platform owes the party from this line (credits positive), fen. */
	owedFen: number;
	balanceFen: number;
}

export interface Statement {
	org: { id: string; name: string; kind: PartyOrg['kind'] };
	account: PartyOrg['account'];
	period: { from: string; to: string; label: string };
	openingFen: number;
	closingFen: number;
	/** Movement in the period per kind of posting (settlement, clawback, supplier_charge, payout). */
	totals: Partial<Record<TxnKind, number>>;
	lines: StatementLine[];
}

/**
 * A party's statement for a period: opening balance (everything before), every line in the
 * period in posting order with its running balance, closing balance. Derived from the entries
 * of the party's payable account alone.
 */
export async function statement(
	actor: Principal,
	orgId: string,
	query: unknown = {}
): Promise<Statement> {
	const org = await authorizeParty(actor, orgId);
	const period = resolvePeriod(query);
	const account = accountId({ kind: org.account, orgId: org.id });
	const [opening] = await execRows<{ s: string | number }>(
		sql`select coalesce(-sum(amount_fen), 0) as s from ledger_entries
			where account_id = ${account} and at < ${period.from.toISOString()}::timestamptz`
	);
	const rows = await execRows<{
		id: string | number;
		at: string | Date;
		kind: TxnKind;
		order_id: string | null;
		sale_line_id: string | null;
		show_id: string | null;
		lot_id: string | null;
		ref_id: string | null;
		memo: string;
		amount_fen: string | number;
	}>(
		sql`select e.id, e.at, t.kind, t.order_id, e.sale_line_id, t.show_id, e.lot_id, t.ref_id,
				t.memo, e.amount_fen
			from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
			where e.account_id = ${account}
				and e.at >= ${period.from.toISOString()}::timestamptz
				and e.at < ${period.to.toISOString()}::timestamptz
			order by e.at, e.id`
	);
	const { lines, closingFen } = withRunningBalance(
		Number(opening!.s),
		rows.map((r) => ({
			entryId: Number(r.id),
			at: new Date(r.at).toISOString(),
			kind: r.kind,
			orderId: r.order_id,
			saleLineId: r.sale_line_id,
			showId: r.show_id,
			lotId: r.lot_id,
			refId: r.ref_id,
			memo: r.memo,
			owedFen: -Number(r.amount_fen)
		}))
	);
	const totals: Partial<Record<TxnKind, number>> = {};
	for (const l of lines) totals[l.kind] = (totals[l.kind] ?? 0) + l.owedFen;
	return {
		org: { id: org.id, name: org.name, kind: org.kind },
		account: org.account,
		period: { from: period.from.toISOString(), to: period.to.toISOString(), label: period.label },
		openingFen: Number(opening!.s),
		closingFen,
		totals,
		lines
	};
}
