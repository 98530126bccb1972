import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { currentPolicy } from '../platform/policy';
import { db } from '../db';
import { lots, orgs, users } from '../db/schema';
import { partyOrg } from '../ledger/access';
import { createPayout, markPayoutPaid, owedBalance } from '../ledger/payouts';
import {
	recordDelivered,
	recordPayment,
	recordRefund,
	recordSupplierCharge,
	settleDue,
	type SaleLineInput
} from '../ledger/service';
import type { SessionUser } from '../auth/session';
import { sessionPrincipal } from '../auth/principal';
import { DEMO_ACCOUNTS } from './accounts';

const DAY = 86_400_000;

/** A stable uuid for a demo record, so reseeding gives the same ids. */
function demoId(name: string): string {
	const h = createHash('sha256').update(`lotlive.demo.ledger:${name}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Three weeks of the demo host team's dropship sales, so the earnings, receivables and revenue
 * pages are not empty: two lines a day on the first dropship lots; older lines delivered and
 * settled, recent ones in escrow; one partial refund before settlement, one return after it
 * (a claw-back), a replacement-freight charge and a payout of half the team's balance. Amounts are deterministic;
 * dates count back from the time of seeding.
 */
export async function seedDemoLedger(now: Date = new Date()): Promise<void> {
	const [team] = await db()
		.select({ id: orgs.id })
		.from(orgs)
		.where(and(eq(orgs.kind, 'host_team'), eq(orgs.name, '小鹿直播间')))
		.limit(1);
	const [op] = await db().select().from(users).where(eq(users.email, DEMO_ACCOUNTS.operator));
	if (!team || !op) return;
	const picks = await db()
		.select({
			id: lots.id,
			supplierId: lots.supplierId,
			unitPriceFen: lots.unitPriceFen,
			commissionBp: lots.commissionBp
		})
		.from(lots)
		.where(and(eq(lots.dropshipAllowed, true), eq(lots.status, 'active')))
		.orderBy(asc(lots.seq))
		.limit(8);
	if (picks.length === 0) return;
	const { commissionMinBp, commissionMaxBp } = currentPolicy().money;
	const lines: (SaleLineInput & { paidAt: Date })[] = [];
	for (let day = 20; day >= 0; day--) {
		for (let k = 0; k < 2; k++) {
			const lot = picks[(day * 2 + k) % picks.length]!;
			const quantity = 1 + ((day + k) % 3);
			const orderId = demoId(`order-${day}-${k}`);
			lines.push({
				saleLineId: demoId(`line-${day}-${k}`),
				orderId,
				fulfilmentId: null,
				showId: null,
				lotId: lot.id,
				hostTeamId: team.id,
				supplierOrgId: lot.supplierId,
				quantity,
				grossFen: lot.unitPriceFen * quantity,
				commissionBp: Math.min(commissionMaxBp, Math.max(commissionMinBp, lot.commissionBp)),
				paidAt: new Date(now.getTime() - day * DAY - (k + 1) * 3 * 3_600_000)
			});
		}
	}
	for (const { paidAt, ...line } of lines) {
		await db().transaction(async (tx) => {
			await recordPayment(tx, { orderId: line.orderId, paidAt, lines: [line] });
			// Delivered two days after payment, except the last three days' orders.
			if (now.getTime() - paidAt.getTime() > 3 * DAY)
				await recordDelivered(tx, {
					saleLineIds: [line.saleLineId],
					deliveredAt: new Date(paidAt.getTime() + 2 * DAY),
					returnWindowDays: 7
				});
		});
	}
	const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
	await db().transaction((tx) =>
		recordRefund(tx, {
			saleLineId: lines[30]!.saleLineId,
			amountFen: Math.floor(lines[30]!.grossFen / 3),
			reason: 'partial',
			refId: 'demo-partial-1',
			at: at(5)
		})
	);
	// Settle what was due a week ago, then a return on a settled line (clawed back), then today.
	await settleDue(at(7));
	await db().transaction((tx) =>
		recordRefund(tx, {
			saleLineId: lines[2]!.saleLineId,
			amountFen: lines[2]!.grossFen,
			reason: 'return',
			refId: 'demo-return-1',
			at: at(6)
		})
	);
	await db().transaction((tx) =>
		recordSupplierCharge(tx, {
			supplierOrgId: lines[4]!.supplierOrgId,
			amountFen: 1600,
			reason: '补发运费（3件严重瑕疵，平台安排补发）',
			refId: 'demo-freight-1',
			at: at(4)
		})
	);
	await settleDue(now);
	const operator: SessionUser = {
		id: op.id,
		email: op.email,
		displayName: op.displayName,
		role: 'operator',
		orgId: op.orgId,
		orgName: null,
		locale: 'zh-CN'
	};
	// Half of the team's balance (in whole yuan) was paid out last week.
	const owed = await owedBalance(await partyOrg(team.id));
	if (owed >= 200) {
		const payout = await createPayout(sessionPrincipal(operator), {
			orgId: team.id,
			amountFen: Math.floor(owed / 200) * 100
		});
		await markPayoutPaid(sessionPrincipal(operator), payout.id, { reference: 'DEMO-ICBC-0001' });
	}
}
