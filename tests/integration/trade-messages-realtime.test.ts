// Trade messages over socket.io (src/lib/server/trade/module.ts): ConversationWatchV1 is
// authorised (a stranger org is refused with not_found and joins no room), a watcher hears
// TradeMessageCreatedV1 for each new message, and the other side's org room hears it too (the
// nav's unread badge); a stranger hears nothing.
import { expect, it } from 'vitest';
import type { TradeMessageCreatedV1 } from '../../src/lib/realtime/events';
import { DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { postMessage, unreadCounts } from '../../src/lib/server/trade';
import { demoActor } from '../helpers/demo';
import { demoSocketServer, type Client } from '../helpers/sockets';
import { makeOrder, supplierLots } from '../helpers/trade';

const clients = demoSocketServer();

function collect(s: Client) {
	const got: TradeMessageCreatedV1[] = [];
	s.on('TradeMessageCreatedV1', (p) => got.push(p));
	return got;
}

async function until(check: () => boolean, ms = 5000) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

it('watches a conversation for its parties only and pushes each new message', async () => {
	const [supplier, buyer, stranger] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier3),
		demoActor(DEMO_ACCOUNTS.buyer1),
		demoActor(DEMO_ACCOUNTS.buyer2)
	]);
	const lot = (await supplierLots(supplier.actor.orgId!, 1, 10_000))[0]!;
	const o = await makeOrder({
		buyerOrgId: buyer.actor.orgId!,
		supplierId: supplier.actor.orgId!,
		createdAt: new Date(),
		lines: [{ lotId: lot.id, quantity: 10, unitPriceFen: lot.unitPriceFen }]
	});
	const [sSup, sBuy, sStr] = await Promise.all([
		clients.connect(supplier.token),
		clients.connect(buyer.token),
		clients.connect(stranger.token)
	]);
	const [gotSup, gotBuy, gotStr] = [collect(sSup), collect(sBuy), collect(sStr)];

	const refused = await sStr.emitWithAck('ConversationWatchV1', {
		kind: 'order',
		subjectId: o.id
	});
	expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
	const bad = await sStr.emitWithAck('ConversationWatchV1', {
		kind: 'order',
		subjectId: 'x'
	} as never);
	expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'subjectId' } });

	const watched = await sSup.emitWithAck('ConversationWatchV1', { kind: 'order', subjectId: o.id });
	expect(watched).toMatchObject({ ok: true, data: { lastSeq: 0, headHash: '' } });

	const sent = await postMessage(buyer.actor, { kind: 'order', id: o.id }, { body: '在吗？' });
	await until(() => gotSup.length >= 1 && gotBuy.length >= 1);
	expect(gotSup[0]).toMatchObject({
		conversationId: sent.conversation.id,
		kind: 'order',
		subjectId: o.id,
		seq: 1,
		hash: sent.message.hash,
		party: 'buyer'
	});
	// One event per socket even though the supplier is in both the conv and its org room.
	await new Promise((r) => setTimeout(r, 200));
	expect(gotSup).toHaveLength(1);
	expect(gotStr).toHaveLength(0);
	expect(
		(await unreadCounts(supplier.actor)).conversations.find((c) => c.subjectId === o.id)?.unread
	).toBe(1);
});
