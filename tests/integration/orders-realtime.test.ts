import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FulfilmentChangedV1 } from '../../src/lib/realtime/events';
import { execRows } from '../../src/lib/server/db';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { placeOrder, transitionFulfilment } from '../../src/lib/server/orders';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { demoActor } from '../helpers/demo';
import { startRealtimeServer } from '../helpers/server';
import { socketClients, type Client } from '../helpers/sockets';

let srv: Awaited<ReturnType<typeof startRealtimeServer>>;
const clients = socketClients(() => srv.url);
const client = (token: string) => clients.connect(token);

function collect(s: Client) {
	const got: FulfilmentChangedV1[] = [];
	s.on('FulfilmentsChangedV1', (p) => got.push(...p.items));
	return got;
}

async function until(check: () => boolean, ms = 5000) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	srv = await startRealtimeServer();
});
afterAll(async () => {
	clients.closeAll();
	await srv.close();
});

it('tells each supplier of its own new and moved parcels only, and the team of all', async () => {
	const [host, s1, s2] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.host),
		demoActor(DEMO_ACCOUNTS.supplier1),
		demoActor(DEMO_ACCOUNTS.supplier2)
	]);
	const pick = async (email: string) =>
		(
			await execRows<{
				id: string;
			}>(sql`select l.id from lots l join users u on u.org_id = l.supplier_id
				where u.email = ${email} and l.dropship_allowed and l.status = 'active' order by l.seq limit 1`)
		)[0]!.id;
	const a = await pick(DEMO_ACCOUNTS.supplier1);
	const b = await pick(DEMO_ACCOUNTS.supplier2);
	await execRows(
		sql`update lots set on_hand = 100, locked = 0, allocated = 0 where id in (${a}, ${b})`
	);
	const { id: showId } = await createShow(host.actor, {
		title: '实时订单',
		slots: [{ lotId: a }, { lotId: b }]
	});
	await transitionShow(host.actor, showId, { status: 'live' });
	await acquireLock(host.actor, showId, { lotId: a, quantity: 10 });
	await acquireLock(host.actor, showId, { lotId: b, quantity: 10 });

	const [q1, q2, team] = await Promise.all([
		client(s1.token),
		client(s2.token),
		client(host.token)
	]);
	const got1 = collect(q1);
	const got2 = collect(q2);
	const gotTeam = collect(team);

	const r = await placeOrder(host.actor, {
		externalId: `RT-${Date.now()}`,
		showId,
		lines: [
			{ lotId: a, quantity: 1, unitPrice: 1000 },
			{ lotId: b, quantity: 1, unitPrice: 1000 }
		],
		shipTo: {
			name: '赵六',
			phone: '13700000000',
			province: '山东省',
			city: '济南市',
			address: '经七路 1 号'
		},
		paidAt: new Date().toISOString()
	});
	const fa = r.order.fulfilments.find((f) => f.supplierId === s1.actor.orgId)!;
	await until(() => got1.length >= 1 && got2.length >= 1 && gotTeam.length >= 2);
	expect(got1.map((e) => [e.fulfilmentId, e.change, e.status])).toEqual([
		[fa.id, 'created', 'pending']
	]);
	expect(got2.every((e) => e.supplierId === s2.actor.orgId)).toBe(true);

	await transitionFulfilment(s1.actor, fa.id, { action: 'accept' });
	await until(() => gotTeam.some((e) => e.change === 'changed'));
	expect(gotTeam.find((e) => e.change === 'changed')).toMatchObject({
		fulfilmentId: fa.id,
		status: 'accepted'
	});
	await until(() => got1.length === 2);
	await new Promise((res) => setTimeout(res, 100));
	expect(got2.filter((e) => e.change === 'changed')).toHaveLength(0);
});
