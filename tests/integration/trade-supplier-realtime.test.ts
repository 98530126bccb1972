import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { TradeOrderChangedV1 } from '../../src/lib/realtime/events';
import { execRows } from '../../src/lib/server/db';
import {
	acceptOrder,
	checkout,
	listOrders,
	payWithTestProvider,
	shipOrder
} from '../../src/lib/server/trade';
import { DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { VersionBook, mergeEvent, tabOf } from '../../src/lib/trade/supplier-queue';
import { demoActor } from '../helpers/demo';
import { demoSocketServer, type Client } from '../helpers/sockets';

// What the supplier's queue (/supplier/trade) is fed: TradeOrderChangedV1 on the supplier's org
// room for every step of its own orders (none of another supplier's), with rising versions and
// the running timer; the queue's merge (VersionBook) reaches the last state whatever order the
// events arrive in.

const clients = demoSocketServer();

function collect(s: Client) {
	const got: TradeOrderChangedV1[] = [];
	s.on('TradeOrderChangedV1', (p) => got.push(p));
	return got;
}

async function until(check: () => boolean, ms = 5000) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

const SHIP_TO = {
	name: '王老板',
	phone: '13900000000',
	province: '山东省',
	city: '济南市',
	district: '历下区',
	address: '泉城路 1 号'
};

it('tells the supplier (and the buyer) of each step of its order, with the timer, and nobody else', async () => {
	const [s1, s2, buyer] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.supplier2),
		demoActor(DEMO_ACCOUNTS.buyer1)
	]);
	const [lot] = await execRows<{ id: string; moq: number }>(sql`
		select l.id, l.moq from lots l join users u on u.org_id = l.supplier_id
		where u.email = ${DEMO_ACCOUNTS.supplier1} and l.status = 'active' order by l.seq limit 1`);
	const quantity = Math.max(lot!.moq, 50);
	await execRows(
		sql`update lots set on_hand = ${quantity * 2}, locked = 0, allocated = 0 where id = ${lot!.id}`
	);
	const [q1, q2, qb] = await Promise.all([
		clients.connect(s1.token),
		clients.connect(s2.token),
		clients.connect(buyer.token)
	]);
	const got1 = collect(q1);
	const got2 = collect(q2);
	const gotBuyer = collect(qb);

	const paidAt = new Date();
	const { orders } = await checkout(
		buyer.actor,
		{ lines: [{ lotId: lot!.id, quantity }], shipTo: SHIP_TO, provider: 'test' },
		randomUUID(),
		paidAt
	);
	const id = orders[0]!.id;
	await payWithTestProvider(buyer.actor, id, paidAt);
	await acceptOrder(s1.actor, id);
	await shipOrder(s1.actor, id, {
		parcels: [
			{ carrier: 'SF', trackingNo: `SF${Date.now()}1`, cartons: 1 },
			{ carrier: 'ZTO', trackingNo: `ZT${Date.now()}2`, cartons: 1 }
		]
	});

	const mine = () => got1.filter((e) => e.id === id);
	await until(() => mine().some((e) => e.state === 'shipped'));
	const events = mine();
	expect(events.map((e) => e.state)).toEqual(['pending_payment', 'paid', 'accepted', 'shipped']);
	for (let i = 1; i < events.length; i++)
		expect(events[i]!.version).toBeGreaterThan(events[i - 1]!.version);
	const paid = events.find((e) => e.state === 'paid')!;
	expect(paid.timer).toBe('accept');
	// accept within 24 h of payment
	expect(new Date(paid.dueAt!).getTime() - paidAt.getTime()).toBe(24 * 3_600_000);
	expect(events.find((e) => e.state === 'accepted')!.timer).toBe('ship');
	expect(events.find((e) => e.state === 'shipped')!.timer).toBeNull();
	await until(() => gotBuyer.filter((e) => e.id === id).length === events.length);
	await new Promise((r) => setTimeout(r, 200));
	expect(got2.filter((e) => e.id === id)).toEqual([]);

	// The queue's merge: a row loaded at payment, fed the events in any order, ends shipped.
	const [row] = (await listOrders(s1.actor, { state: 'open' })).filter((o) => o.id === id);
	const loaded = { ...row!, state: 'paid' as const, version: paid.version };
	for (const order of [events, [...events].reverse(), [events[3]!, events[1]!, events[2]!]]) {
		const book = new VersionBook();
		let r = loaded;
		for (const e of order) {
			if (!book.note(e)) continue;
			const m = mergeEvent(r, e);
			if (m.kind === 'updated') r = m.row;
		}
		expect(r.state).toBe('shipped');
		expect(tabOf(r.state)).toBe('shipped');
		expect(r.actions).toEqual([]);
		expect(book.apply([loaded])[0]!.state).toBe('shipped');
	}
});
