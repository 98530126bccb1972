// Demo wholesale trade (issue 18): trade terms with price breaks on some demo lots, and the two
// demo buyers' trade orders in every state, made through the real trade services with clocks in
// the past (checkout, payment, the supplier's steps, arrival, inspection, release, timeouts), so
// the buyer's orders, the supplier's queue, receivables and the operator's ledger show the whole
// life of an order. Runs inside seedDemoIfEmpty (once, on an empty database).
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { deriveLotFields } from '$lib/domain/pricing';
import { apportionSizes } from '$lib/domain/sizes';
import { validatePriceBreaks } from '$lib/domain/trade/cart';
import type { TradeAction, TradeOrderState } from '$lib/domain/trade/order-state';
import type { TradeShipTo } from '$lib/trade/types';
import type { Principal } from '../auth/principal';
import { db } from '../db';
import { lots, showSlots } from '../db/schema';
import { transaction } from '../events/bus';
import { logger } from '../log';
import { currentPolicy } from '../platform/policy';
import {
	acceptAndRelease,
	acceptOrder,
	actOnDispute,
	checkout,
	confirmArrival,
	fileDispute,
	packOrder,
	payWithTestProvider,
	postMessage,
	recordInspection,
	shipOrder,
	setLotTerms,
	startInspection
} from '../trade';
import { move } from '../trade/transition';
import { DEMO_ACCOUNTS } from './accounts';
import { actorOf } from './orders';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Every state a demo buyer's orders show (disputes come with issue 20). */
export const DEMO_TRADE_STATES = [
	'pending_payment',
	'paid',
	'accepted',
	'packed',
	'shipped',
	'arrived',
	'inspecting',
	'accepted_by_buyer',
	'auto_accepted',
	'released',
	'cancelled_unpaid',
	'cancelled_sla'
] as const satisfies readonly TradeOrderState[];

type Step =
	| { do: 'pay' | 'accept' | 'pack' | 'ship' | 'arrive' | 'release' }
	/** Starts the inspection and records this share of the drawn pieces (the checklist). */
	| { do: 'inspect'; share: number }
	| { do: 'move'; action: TradeAction; party: 'buyer' | 'system' };

/**
 * How each state is reached, with the hours before now that the checkout happened and each
 * step after it. Deadlines (policy defaults: unpaid 30 min, accept 24 h, ship 72 h, inspection
 * 48 h) are respected by every step, so the services accept them.
 */
const PLANS: Record<(typeof DEMO_TRADE_STATES)[number], { at: number; steps: [Step, number][] }> = {
	pending_payment: { at: 0.1, steps: [] },
	paid: { at: 3, steps: [[{ do: 'pay' }, 2.9]] },
	accepted: {
		at: 20,
		steps: [
			[{ do: 'pay' }, 19.9],
			[{ do: 'accept' }, 18]
		]
	},
	packed: {
		at: 30,
		steps: [
			[{ do: 'pay' }, 29.9],
			[{ do: 'accept' }, 26],
			[{ do: 'pack' }, 20]
		]
	},
	shipped: {
		at: 50,
		steps: [
			[{ do: 'pay' }, 49.9],
			[{ do: 'accept' }, 45],
			[{ do: 'pack' }, 30],
			[{ do: 'ship' }, 26]
		]
	},
	arrived: {
		at: 80,
		steps: [
			[{ do: 'pay' }, 79.9],
			[{ do: 'accept' }, 75],
			[{ do: 'pack' }, 60],
			[{ do: 'ship' }, 55],
			[{ do: 'arrive' }, 6]
		]
	},
	inspecting: {
		at: 90,
		steps: [
			[{ do: 'pay' }, 89.9],
			[{ do: 'accept' }, 85],
			[{ do: 'pack' }, 70],
			[{ do: 'ship' }, 66],
			[{ do: 'arrive' }, 12],
			[{ do: 'inspect', share: 0.5 }, 11]
		]
	},
	accepted_by_buyer: {
		at: 100,
		steps: [
			[{ do: 'pay' }, 99.9],
			[{ do: 'accept' }, 95],
			[{ do: 'pack' }, 80],
			[{ do: 'ship' }, 76],
			[{ do: 'arrive' }, 30],
			[{ do: 'move', action: 'accept_goods', party: 'buyer' }, 1]
		]
	},
	auto_accepted: {
		at: 150,
		steps: [
			[{ do: 'pay' }, 149.9],
			[{ do: 'accept' }, 140],
			[{ do: 'pack' }, 130],
			[{ do: 'ship' }, 126],
			[{ do: 'arrive' }, 50],
			[{ do: 'move', action: 'auto_accept', party: 'system' }, 1]
		]
	},
	released: {
		at: 200,
		steps: [
			[{ do: 'pay' }, 199.9],
			[{ do: 'accept' }, 190],
			[{ do: 'pack' }, 180],
			[{ do: 'ship' }, 176],
			[{ do: 'arrive' }, 120],
			[{ do: 'inspect', share: 1 }, 119],
			[{ do: 'release' }, 118]
		]
	},
	cancelled_unpaid: {
		at: 5,
		steps: [[{ do: 'move', action: 'expire_unpaid', party: 'system' }, 4.4]]
	},
	cancelled_sla: {
		at: 40,
		steps: [
			[{ do: 'pay' }, 39.9],
			[{ do: 'move', action: 'accept_sla_missed', party: 'system' }, 15]
		]
	}
};

const SHIP_TO: Record<'buyer1' | 'buyer2', TradeShipTo> = {
	buyer1: {
		name: '陈老板',
		phone: '13800200001',
		province: '广东省',
		city: '广州市',
		district: '越秀区',
		address: '站南路 16 号 白马服装市场 3 楼 3128 档'
	},
	buyer2: {
		name: 'Lisa 刘',
		phone: '13905790002',
		province: '浙江省',
		city: '金华市',
		district: '义乌市',
		address: '国际商贸城 五区 12 街 8808 号'
	}
};

/** The suppliers each demo buyer orders from (one lot per order, so one order per checkout). */
const SUPPLIERS_OF: Record<'buyer1' | 'buyer2', (keyof typeof DEMO_ACCOUNTS)[]> = {
	buyer1: ['supplier1', 'supplier3'],
	buyer2: ['supplier2', 'supplier4']
};

interface TermsLot {
	id: string;
	supplierId: string;
	quantity: number;
}

/**
 * Trade terms (the suppliers' own call, terms.ts) on a few lots of each admitted demo supplier: a
 * quantity step, cartons and two price breaks inside the grade band (checked with the domain rule; a lot whose price is
 * already at the band's floor gets no breaks). Returns the lots with the quantity an order takes.
 */
async function seedTerms(suppliers: Map<string, Principal>): Promise<Map<string, TermsLot[]>> {
	const policy = currentPolicy();
	const out = new Map<string, TermsLot[]>();
	for (const [supplierId, supplier] of suppliers) {
		const rows = await db()
			.select({
				id: lots.id,
				grade: lots.grade,
				tagPriceFen: lots.tagPriceFen,
				unitPriceFen: lots.unitPriceFen,
				moq: lots.moq,
				priceOverride: lots.priceOverride,
				free: sql<number>`(${lots.onHand} - ${lots.locked} - ${lots.allocated})::int`
			})
			.from(lots)
			.where(
				and(
					eq(lots.supplierId, supplierId),
					eq(lots.status, 'active'),
					notInArray(lots.id, db().select({ id: showSlots.lotId }).from(showSlots))
				)
			)
			.orderBy(asc(lots.seq))
			.offset(20)
			.limit(60);
		const picked: TermsLot[] = [];
		for (const l of rows) {
			if (picked.length >= 4) break;
			const step = l.moq % 10 === 0 ? 10 : 1;
			const quantity =
				Math.ceil(Math.max(l.moq, policy.trade.cart.mixedBatchMinPieces) / step) * step;
			// Enough free stock for the orders placed on it (up to 6) and then some.
			if (l.free < quantity * 8 || quantity > 2000) continue;
			const floor = Math.ceil((policy.pricing.bands[l.grade].minBp * l.tagPriceFen) / 10000);
			const room = l.unitPriceFen - Math.max(floor, 1);
			const breaks =
				room >= 3
					? [
							{ minQuantity: l.moq * 2, unitPriceFen: l.unitPriceFen - Math.floor(room / 3) },
							{ minQuantity: l.moq * 5, unitPriceFen: l.unitPriceFen - Math.floor((2 * room) / 3) }
						]
					: [];
			const ok = validatePriceBreaks(l, breaks, policy, policy.trade).length === 0;
			await setLotTerms(supplier, l.id, {
				step,
				piecesPerCarton: quantity >= 200 ? 50 : 10,
				priceBreaks: ok ? breaks : []
			});
			picked.push({ id: l.id, supplierId, quantity });
		}
		out.set(supplierId, picked);
	}
	return out;
}

/** Applies one plan step to an order at `at`. */
async function step(
	s: Step,
	orderId: string,
	at: Date,
	buyer: Principal,
	supplier: Principal,
	n: number
): Promise<void> {
	switch (s.do) {
		case 'pay':
			await payWithTestProvider(buyer, orderId, at);
			return;
		case 'accept':
			await acceptOrder(supplier, orderId, at);
			return;
		case 'pack':
			await packOrder(supplier, orderId, at);
			return;
		case 'ship':
			await shipOrder(
				supplier,
				orderId,
				{
					parcels: [{ carrier: 'DBL', trackingNo: `DPK${String(7_300_000_000 + n)}`, cartons: 2 }]
				},
				at
			);
			return;
		case 'arrive':
			await confirmArrival(buyer, orderId, at);
			return;
		case 'inspect': {
			const view = await startInspection(buyer, orderId, at);
			const pieces = view.lines.flatMap((l) => l.pieces);
			const items = pieces.slice(0, Math.ceil(pieces.length * s.share)).map((x, i) =>
				// a loose thread now and then: a minor defect, well inside every grade's allowance
				i % 40 === 7
					? { lineId: x.lineId, piece: x.piece, result: 'minor', note: '袖口线头' }
					: { lineId: x.lineId, piece: x.piece, result: 'pass' }
			);
			if (items.length > 0) {
				await recordInspection(buyer, orderId, { items }, new Date(at.getTime() + 20 * MINUTE));
			}
			return;
		}
		case 'release':
			await acceptAndRelease(buyer, orderId, at);
			return;
		case 'move': {
			const policy = currentPolicy().trade;
			const userId = s.party === 'buyer' ? buyer.userId : null;
			await transaction((tx) =>
				move(tx, {
					orderId,
					action: s.action,
					actor: { party: s.party, userId },
					now: at,
					policy
				})
			);
			return;
		}
	}
}

/**
 * The demo buyers' trade orders, one per state each, oldest first. `now` is the seed's clock:
 * every step happens before it.
 */
export async function seedDemoTrade(now: Date = new Date()): Promise<void> {
	const started = performance.now();
	const buyers = {
		buyer1: await actorOf(DEMO_ACCOUNTS.buyer1),
		buyer2: await actorOf(DEMO_ACCOUNTS.buyer2)
	};
	const suppliers = new Map<string, Principal>();
	const supplierOrg = new Map<string, string>();
	for (const k of [...SUPPLIERS_OF.buyer1, ...SUPPLIERS_OF.buyer2]) {
		const p = await actorOf(DEMO_ACCOUNTS[k]);
		suppliers.set(p.orgId!, p);
		supplierOrg.set(k, p.orgId!);
	}
	const terms = await seedTerms(suppliers);
	let n = 0;
	const chains: (() => Promise<void>)[] = [];
	// The two buyers check out side by side; each one's orders go in oldest first.
	const byBuyer = (['buyer1', 'buyer2'] as const).map(async (b) => {
		const buyer = buyers[b];
		const supplierIds = SUPPLIERS_OF[b].map((k) => supplierOrg.get(k)!);
		// Oldest first, so the orders' numbers follow their age.
		const states = [...DEMO_TRADE_STATES].sort((x, y) => PLANS[y].at - PLANS[x].at);
		for (const [i, state] of states.entries()) {
			const supplierId = supplierIds[i % supplierIds.length]!;
			const pool = terms.get(supplierId) ?? [];
			if (pool.length === 0) throw new Error(`demo trade: no lot with terms for ${supplierId}`);
			const lot = pool[Math.floor(i / supplierIds.length) % pool.length]!;
			const plan = PLANS[state];
			const created = new Date(now.getTime() - plan.at * HOUR);
			const r = await checkout(
				buyer,
				{
					lines: [
						{
							lotId: lot.id,
							quantity: lot.quantity,
							packaging: i % 3 === 0 ? ['relabel_live'] : []
						}
					],
					shipTo: SHIP_TO[b],
					provider: 'test'
				},
				`demo-trade-${b}-${state}`,
				created
			);
			const orderId = r.orders[0]!.id;
			const supplier = suppliers.get(supplierId)!;
			chains.push(async () => {
				for (const [s, hoursAgo] of plan.steps) {
					const k = ++n;
					const at = new Date(now.getTime() - hoursAgo * HOUR - MINUTE);
					await step(s, orderId, at, buyer, supplier, k);
				}
			});
		}
	});
	await Promise.all(byBuyer);
	// Each buyer's checkouts went in one by one (numbers follow age); each order's steps
	// are a chain of their own, so the chains run side by side (a few at a time).
	const queue = [...chains];
	await Promise.all(
		Array.from({ length: 4 }, async () => {
			for (let c = queue.shift(); c; c = queue.shift()) await c();
		})
	);
	await seedDemoDispute(
		buyers.buyer1,
		suppliers.get(supplierOrg.get('supplier1')!)!,
		terms.get(supplierOrg.get('supplier1')!) ?? [],
		now
	);
	// Shipped orders took their pieces off the shelf: the lots' size breakdowns (pieces) follow
	// what is on hand now, in the proportions they had (as the demo's consumer orders do).
	const picked = [...terms.values()].flat().map((l) => l.id);
	const after = await db()
		.select({
			id: lots.id,
			onHand: lots.onHand,
			sizeBreakdown: lots.sizeBreakdown,
			grade: lots.grade,
			unitPriceFen: lots.unitPriceFen,
			hasDefectVideo: lots.hasDefectVideo,
			talkingPoints: lots.talkingPoints
		})
		.from(lots)
		.where(inArray(lots.id, picked));
	for (const l of after) {
		const sizes = apportionSizes(l.sizeBreakdown, l.onHand);
		await db()
			.update(lots)
			.set({ sizeBreakdown: sizes, ...deriveLotFields({ ...l, sizeBreakdown: sizes }) })
			.where(eq(lots.id, l.id));
	}
	logger().info(
		{ ms: Math.round(performance.now() - started), steps: n },
		'demo trade orders seeded'
	);
}

/**
 * One escalated dispute (issue 20) so the operators' queue (/admin/disputes) is not empty for a
 * newcomer: buyer1 bought a lot of supplier1, found severe defects in the sampling inspection,
 * disputed part of the line asking a partial refund, supplier1 counter-offered less, and the buyer
 * escalated 10 hours ago (the 48-hour ruling timer has 38 hours left at seeding). Its order is
 * `disputed` on top of the buyer's one order per state; the conversation carries both sides'
 * messages beside the steps the service records.
 */
async function seedDemoDispute(
	buyer: Principal,
	supplier: Principal,
	pool: TermsLot[],
	now: Date
): Promise<void> {
	const lot = pool.at(-1);
	if (!lot) throw new Error('demo dispute: no lot with terms for supplier1');
	const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
	const r = await checkout(
		buyer,
		{
			lines: [{ lotId: lot.id, quantity: lot.quantity }],
			shipTo: SHIP_TO.buyer1,
			provider: 'test'
		},
		'demo-trade-buyer1-dispute',
		ago(100)
	);
	const orderId = r.orders[0]!.id;
	await payWithTestProvider(buyer, orderId, ago(99.9));
	await acceptOrder(supplier, orderId, ago(95));
	await packOrder(supplier, orderId, ago(80));
	await shipOrder(
		supplier,
		orderId,
		{ parcels: [{ carrier: 'SF', trackingNo: 'SF1400200300', cartons: 2 }] },
		ago(76)
	);
	await confirmArrival(buyer, orderId, ago(30));
	const view = await startInspection(buyer, orderId, ago(29));
	const line = view.lines[0]!;
	// Four severely stained pieces among the drawn ones, the rest passing.
	await recordInspection(
		buyer,
		orderId,
		{
			items: line.pieces.map((x, i) =>
				i < 4
					? { lineId: x.lineId, piece: x.piece, result: 'severe', note: '前襟大片污渍，无法销售' }
					: { lineId: x.lineId, piece: x.piece, result: 'pass' }
			)
		},
		ago(28.5)
	);
	const affected = Math.max(1, Math.ceil(line.quantity / 5));
	const dispute = await fileDispute(
		buyer,
		orderId,
		{
			lines: [{ lineId: line.lineId, quantity: affected, problem: 'damaged', lossBp: 6000 }],
			remedy: 'partial_refund'
		},
		ago(28)
	);
	const subject = { kind: 'dispute', id: dispute.id } as const;
	await postMessage(
		buyer,
		subject,
		{ body: '抽检 4 件严重污渍，按比例约两成货无法上架，要求按清单部分退款。' },
		ago(27.9)
	);
	await postMessage(supplier, subject, { body: '污渍可以清洗，我们只能退一半的金额。' }, ago(20));
	await actOnDispute(
		supplier,
		dispute.id,
		{ action: { type: 'counter', refundFen: Math.max(1, Math.floor(dispute.askedRefundFen / 2)) } },
		ago(19.9)
	);
	await actOnDispute(buyer, dispute.id, { action: { type: 'escalate' } }, ago(10));
}
