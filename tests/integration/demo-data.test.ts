// The demo marketplace is what a first visitor sees: its figures must be consistent.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeBreakdownMatchesStock, sizeBreakdownTotal } from '../../src/lib/domain/sizes';
import { deriveLotFields } from '../../src/lib/domain/pricing';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { db } from '../../src/lib/server/db';
import {
	lots,
	orgs,
	suppliers,
	tradeDisputes,
	tradeLotTerms,
	tradeOrders,
	users
} from '../../src/lib/server/db/schema';
import { disputeQueue } from '../../src/lib/server/trade/dispute-admin';
import { demoActor } from '../helpers/demo';
import { DEMO_ACCOUNTS } from '../../src/lib/server/seed/accounts';
import { DEMO_TRADE_STATES } from '../../src/lib/server/seed/trade';
import { checkBand } from '../../src/lib/domain/pricing';
import { sql } from 'drizzle-orm';
import { execRows } from '../../src/lib/server/db';
import { generateLots, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));
beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	expect(await seedDemoIfEmpty()).toBe(true);
}, 120_000);
afterAll(() => {
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

describe('demo data', () => {
	it('every lot’s size breakdown adds up to its stock on hand (and generated lots’ too)', async () => {
		await generateLots(300, { seed: 9 });
		const rows = await db().select().from(lots);
		expect(rows.length).toBeGreaterThan(300);
		const bad = rows.filter((l) => !sizeBreakdownMatchesStock(l.sizeBreakdown, l.onHand));
		expect(
			bad.map((l) => `${l.title}: ${sizeBreakdownTotal(l.sizeBreakdown)} of ${l.onHand}`)
		).toEqual([]);
		// and the derived fields are those of the breakdown stored
		for (const l of rows) {
			const d = deriveLotFields(l);
			expect({ largeSizeBp: l.largeSizeBp, sizeProfile: l.sizeProfile }, l.title).toEqual({
				largeSizeBp: d.largeSizeBp,
				sizeProfile: d.sizeProfile
			});
		}
	});

	it('supplier names carry no status: the pending one is pending by its status field', async () => {
		const rows = await db()
			.select({ name: orgs.name, status: suppliers.status })
			.from(suppliers)
			.innerJoin(orgs, eq(orgs.id, suppliers.orgId));
		expect(rows.some((r) => r.status === 'pending')).toBe(true);
		for (const r of rows) {
			expect(r.name).not.toMatch(
				/待审核|审核中|已审核|已拒绝|已封禁|pending|admitted|blocked|[（(]/i
			);
		}
	});

	it('both demo buyers have a trade order in every state (buyer1 one disputed too), and the escrow of each nets out', async () => {
		for (const email of [DEMO_ACCOUNTS.buyer1, DEMO_ACCOUNTS.buyer2]) {
			const [u] = await db()
				.select({ orgId: users.orgId })
				.from(users)
				.where(eq(users.email, email));
			const rows = await db()
				.select({ id: tradeOrders.id, state: tradeOrders.state, totalFen: tradeOrders.totalFen })
				.from(tradeOrders)
				.where(eq(tradeOrders.buyerOrgId, u!.orgId!));
			// buyer1 has the demo dispute's order on top (disputed, see seedDemoDispute)
			const expected: string[] = [...DEMO_TRADE_STATES];
			if (email === DEMO_ACCOUNTS.buyer1) expected.push('disputed');
			expect(new Set(rows.map((r) => r.state)), email).toEqual(new Set(expected));
			expect(rows.length, email).toBe(expected.length);
			const frozen = new Map(
				(
					await db()
						.select({ orderId: tradeDisputes.orderId, frozenFen: tradeDisputes.frozenFen })
						.from(tradeDisputes)
				).map((d) => [d.orderId, d.frozenFen])
			);
			// Escrow per order, from the ledger: paid orders hold their total until released or
			// refunded; nothing is held for unpaid or finished ones.
			const held = new Map(
				(
					await execRows<{ order_id: string; s: string | number }>(
						sql`select order_id, -sum(amount_fen) as s from ledger_entries
							where account_kind = 'escrow' and order_id in (${sql.join(
								rows.map((r) => sql`${r.id}::uuid`),
								sql`, `
							)})
							group by 1`
					)
				).map((r) => [r.order_id, Number(r.s)])
			);
			// A severe-defect replacement still due holds those pieces' value apart from any
			// dispute (the demo dispute's inspection found four severely stained pieces).
			const replacementHeld = new Map(
				(
					await execRows<{ order_id: string; s: string | number }>(
						sql`select order_id, sum(held_fen) as s from trade_replacements
							where state = 'due' and source = 'severe_defect' group by 1`
					)
				).map((r) => [r.order_id, Number(r.s)])
			);
			for (const r of rows) {
				const holds = ![
					'pending_payment',
					'cancelled_unpaid',
					'cancelled_sla',
					'released'
				].includes(r.state);
				// a disputed order holds the disputed lines' escrow only (the rest released at filing)
				// and what a due severe-defect replacement holds
				expect(held.get(r.id) ?? 0, `${email} ${r.state}`).toBe(
					r.state === 'disputed'
						? frozen.get(r.id)! + (replacementHeld.get(r.id) ?? 0)
						: holds
							? r.totalFen
							: 0
				);
			}
			// The inspecting order has part of its checklist done, the released one all of it.
			for (const state of ['inspecting', 'released'] as const) {
				const order = rows.find((r) => r.state === state)!;
				const [c] = await execRows<{ n: number }>(
					sql`select count(*)::int as n from trade_inspection_items where order_id = ${order.id}`
				);
				expect(c!.n, `${email} ${state}`).toBeGreaterThan(0);
			}
		}
	});

	it('the operators’ dispute queue is not empty: one escalated dispute, ruling due ahead', async () => {
		const ops = await demoActor(DEMO_ACCOUNTS.operator);
		const q = await disputeQueue(ops.actor);
		expect(q.items.map((d) => d.state)).toEqual(['escalated']);
		const d = q.items[0]!;
		expect(d.escalatedBy).toBe('buyer');
		expect(d.counterFen).toBeGreaterThan(0);
		expect(d.late).toBe(false);
		expect(new Date(d.dueAt!).getTime()).toBeGreaterThan(Date.now() + 30 * 3_600_000);
		const [row] = await db().select().from(tradeDisputes).where(eq(tradeDisputes.id, d.id));
		expect(row!.counterFen).toBeLessThan(row!.askedRefundFen);
	});

	it('demo lots with trade terms have price breaks inside their grade band', async () => {
		const rows = await db()
			.select({ terms: tradeLotTerms, lot: lots })
			.from(tradeLotTerms)
			.innerJoin(lots, eq(lots.id, tradeLotTerms.lotId));
		expect(rows.length).toBeGreaterThanOrEqual(8);
		const withBreaks = rows.filter((r) => r.terms.priceBreaks.length > 0);
		expect(withBreaks.length).toBeGreaterThanOrEqual(4);
		for (const { terms, lot } of withBreaks) {
			for (const b of terms.priceBreaks) {
				expect(b.minQuantity).toBeGreaterThan(lot.moq);
				expect(b.unitPriceFen).toBeLessThan(lot.unitPriceFen);
				expect(checkBand(lot.grade, lot.tagPriceFen, b.unitPriceFen).ok).toBe(true);
			}
		}
	});
});
