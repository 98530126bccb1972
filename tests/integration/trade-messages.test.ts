// Buyer–supplier messages (src/lib/server/trade/messages.ts): the hash chain and verifyChain
// catching a tampered row (the append-only trigger disabled for the test), seq under concurrency,
// who may read / send / upload (a stranger org → 404), attachments and their size limit, read
// marks and unread counts, system messages.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { AppError } from '../../src/lib/server/errors';
import { transaction } from '../../src/lib/server/events/bus';
import { setMediaStorage } from '../../src/lib/server/platform/storage';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import {
	exportConversation,
	listMessages,
	markRead,
	openMessageMedia,
	postMessage,
	systemMessage,
	unreadCounts,
	verifyChain
} from '../../src/lib/server/trade';
import { conversationFor } from '../../src/lib/server/trade/messages';
import { authorizeTradeUpload } from '../../src/lib/server/trade/attachments';
import { appendChunk, createUpload } from '../../src/lib/server/uploads';
import type { Principal } from '../../src/lib/server/auth/principal';
import { demoActor } from '../helpers/demo';
import { makeMember } from '../helpers/users';
import { makeOrder, memoryStorage, PNG, supplierLots } from '../helpers/trade';

const T0 = new Date('2026-04-01T01:00:00Z');
let buyer: Principal, otherBuyer: Principal, supplier: Principal, operator: Principal;
let lot: { id: string; unitPriceFen: number };
const storage = memoryStorage();

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

/** The database's own message for a refused statement (drizzle wraps it as the cause). */
async function refusal(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (e) {
		const cause = (e as { cause?: { message?: string } }).cause;
		return String(cause?.message ?? (e as Error).message);
	}
	return 'accepted';
}

async function order() {
	const o = await makeOrder({
		buyerOrgId: buyer.orgId!,
		supplierId: supplier.orgId!,
		createdAt: T0,
		lines: [{ lotId: lot.id, quantity: 10, unitPriceFen: lot.unitPriceFen }]
	});
	return { kind: 'order' as const, id: o.id };
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	setMediaStorage(storage);
	buyer = (await demoActor(DEMO_ACCOUNTS.buyer1)).actor;
	otherBuyer = (await demoActor(DEMO_ACCOUNTS.buyer2)).actor;
	supplier = (await demoActor(DEMO_ACCOUNTS.supplier3)).actor;
	operator = (await makeMember('operator', null)).principal;
	lot = (await supplierLots(supplier.orgId!, 1, 10_000))[0]!;
}, 120_000);

describe('trade messages', () => {
	it('chains each message to the previous one and verifies the record', async () => {
		const s = await order();
		const a = await postMessage(buyer, s, { body: '请问几号发货？' }, T0);
		const b = await postMessage(supplier, s, { body: '明天发货' }, new Date(T0.getTime() + 1000));
		const c = await postMessage(buyer, s, { body: '好的' }, new Date(T0.getTime() + 2000));
		expect([a.message.seq, b.message.seq, c.message.seq]).toEqual([1, 2, 3]);
		expect(a.message.prevHash).toBe('');
		expect(b.message.prevHash).toBe(a.message.hash);
		expect(c.message.prevHash).toBe(b.message.hash);
		expect(a.message.hash).toMatch(/^[0-9a-f]{64}$/);
		const list = await listMessages(supplier, s);
		expect(list.messages.map((m) => [m.seq, m.party, m.mine])).toEqual([
			[1, 'buyer', false],
			[2, 'supplier', true],
			[3, 'buyer', false]
		]);
		expect((await listMessages(buyer, s, { after: 2 })).messages.map((m) => m.seq)).toEqual([3]);
		expect(await verifyChain(a.conversation.id)).toEqual({ ok: true, count: 3 });
		const ex = await exportConversation(buyer, s);
		expect(ex.check.ok).toBe(true);
		expect(ex.messages).toHaveLength(3);
	});

	it('refuses UPDATE and DELETE on messages; verifyChain finds a tampered or removed row', async () => {
		const s = await order();
		const first = await postMessage(buyer, s, { body: '货到了' }, T0);
		await postMessage(supplier, s, { body: '收到' }, T0);
		await postMessage(buyer, s, { body: '有三件严重破损' }, T0);
		const id = first.conversation.id;
		expect(
			await refusal(
				db().execute(
					sql`update trade_messages set body = '没有破损' where conversation_id = ${id} and seq = 3`
				)
			)
		).toMatch(/append-only/);
		expect(
			await refusal(
				db().execute(sql`delete from trade_messages where conversation_id = ${id} and seq = 2`)
			)
		).toMatch(/append-only/);
		expect((await verifyChain(id)).ok).toBe(true);
		// Tamper with the trigger off (what someone with database access could do).
		await db().transaction(async (tx) => {
			await tx.execute(sql`alter table trade_messages disable trigger trade_messages_append_only`);
			await tx.execute(
				sql`update trade_messages set body = '没有破损' where conversation_id = ${id} and seq = 3`
			);
			await tx.execute(sql`alter table trade_messages enable trigger trade_messages_append_only`);
		});
		expect(await verifyChain(id)).toEqual({ ok: false, brokenAt: 3, count: 3 });
		const ex = await exportConversation(supplier, s);
		expect(ex.check).toEqual({ ok: false, brokenAt: 3, count: 3 });

		// A removed middle message breaks the chain at the next seq.
		const s2 = await order();
		const m = await postMessage(buyer, s2, { body: 'a' }, T0);
		await postMessage(buyer, s2, { body: 'b' }, T0);
		await postMessage(buyer, s2, { body: 'c' }, T0);
		await db().transaction(async (tx) => {
			await tx.execute(sql`alter table trade_messages disable trigger trade_messages_append_only`);
			await tx.execute(
				sql`delete from trade_messages where conversation_id = ${m.conversation.id} and seq = 2`
			);
			await tx.execute(sql`alter table trade_messages enable trigger trade_messages_append_only`);
		});
		expect(await verifyChain(m.conversation.id)).toMatchObject({ ok: false, brokenAt: 3 });
	});

	it('numbers concurrent messages 1..n without gaps or duplicates', async () => {
		const s = await order();
		const n = 12;
		const sent = await Promise.all(
			Array.from({ length: n }, (_, i) =>
				postMessage(i % 2 ? supplier : buyer, s, { body: `m${i}` }, T0)
			)
		);
		expect(sent.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
			Array.from({ length: n }, (_, i) => i + 1)
		);
		expect(await verifyChain(sent[0]!.conversation.id)).toEqual({ ok: true, count: n });
	});

	it('shows a conversation only to its parties: a stranger org gets 404 on read, send, export, read mark and upload', async () => {
		const s = await order();
		const { conversation } = await postMessage(buyer, s, { body: 'hi' }, T0);
		for (const call of [
			() => listMessages(otherBuyer, s),
			() => postMessage(otherBuyer, s, { body: 'x' }),
			() => exportConversation(otherBuyer, s),
			() => markRead(otherBuyer, conversation.id, { seq: 1 }),
			() => openMessageMedia(otherBuyer, `trade/messages/${conversation.id}/x.png`),
			() =>
				createUpload(
					otherBuyer,
					{
						purpose: 'message_attachment',
						refId: conversation.id,
						size: PNG.byteLength,
						mime: 'image/png',
						name: 'a.png'
					},
					authorizeTradeUpload
				)
		]) {
			expect((await caught(call())).status).toBe(404);
		}
		// Nothing was written by the stranger.
		expect((await listMessages(buyer, s)).messages).toHaveLength(1);
		// Unknown subject and malformed ids: 404 as well.
		expect(
			(await caught(listMessages(buyer, { kind: 'order', id: crypto.randomUUID() }))).status
		).toBe(404);
		expect((await caught(listMessages(buyer, { kind: 'dispute', id: 'nope' }))).status).toBe(404);
		// Operators read an order's conversation but do not talk in it (only in a dispute's).
		expect((await listMessages(operator, s)).messages).toHaveLength(1);
		expect((await caught(postMessage(operator, s, { body: 'x' }))).status).toBe(403);
	});

	it('validates input: empty, too long, unknown fields, foreign uploads → 4xx with the field, nothing written', async () => {
		const s = await order();
		const empty = await caught(postMessage(buyer, s, { body: '   ' }));
		expect([empty.status, empty.field]).toEqual([400, 'body']);
		const long = await caught(postMessage(buyer, s, { body: '长'.repeat(4001) }));
		expect([long.status, long.field]).toEqual([400, 'body']);
		const extra = await caught(postMessage(buyer, s, { body: 'x', evil: 1 }));
		expect(extra.status).toBe(400);
		const notUp = await caught(
			postMessage(buyer, s, { body: 'x', attachments: [{ uploadId: crypto.randomUUID() }] })
		);
		expect([notUp.status, notUp.field]).toEqual([404, 'attachments.0.uploadId']);
		expect((await listMessages(buyer, s)).messages).toHaveLength(0);
	});

	it('attaches a photo through a resumable upload; over the size limit → 413 naming size', async () => {
		const s = await order();
		const { conversation } = await listMessages(buyer, s);
		const big = await caught(
			createUpload(
				buyer,
				{
					purpose: 'message_attachment',
					refId: conversation.id,
					size: 100 * 1024 * 1024 + 1,
					mime: 'video/mp4',
					name: 'long.mp4'
				},
				authorizeTradeUpload
			)
		);
		expect([big.status, big.field]).toEqual([413, 'size']);
		const u = await createUpload(
			buyer,
			{
				purpose: 'message_attachment',
				refId: conversation.id,
				size: PNG.byteLength,
				mime: 'image/png',
				name: 'damage.png'
			},
			authorizeTradeUpload
		);
		// Not complete yet: refused, nothing written.
		const half = await caught(
			postMessage(buyer, s, { body: '破损照片', attachments: [{ uploadId: u.id }] })
		);
		expect([half.status, half.field]).toEqual([422, 'attachments.0.uploadId']);
		await appendChunk(buyer, u.id, '0', PNG);
		const sent = await postMessage(buyer, s, {
			body: '破损照片',
			attachments: [{ uploadId: u.id }]
		});
		expect(sent.message.seq).toBe(1);
		expect(sent.message.attachments).toHaveLength(1);
		const att = sent.message.attachments[0]!;
		expect(att.kind).toBe('photo');
		expect(att.bytes).toBe(PNG.byteLength);
		expect(att.key).toMatch(new RegExp(`^trade/messages/${conversation.id}/`));
		const file = await openMessageMedia(supplier, att.key);
		expect(file.mime).toBe('image/png');
		expect((await caught(openMessageMedia(otherBuyer, att.key))).status).toBe(404);
		// The supplier cannot reuse the buyer's upload.
		const stolen = await caught(
			postMessage(supplier, s, { body: 'x', attachments: [{ uploadId: u.id }] })
		);
		expect([stolen.status, stolen.field]).toEqual([404, 'attachments.0.uploadId']);
		expect(await verifyChain(conversation.id)).toEqual({ ok: true, count: 1 });
	});

	it('counts unread messages per user from the other side, and read marks clear them', async () => {
		const s = await order();
		const before = await unreadCounts(supplier);
		const { conversation } = await postMessage(buyer, s, { body: '在吗' }, T0);
		await postMessage(buyer, s, { body: '请回复' }, T0);
		const after = await unreadCounts(supplier);
		expect(after.total - before.total).toBe(2);
		expect(after.conversations.find((c) => c.id === conversation.id)?.unread).toBe(2);
		// The sender's own messages never count for the sender.
		expect(
			(await unreadCounts(buyer)).conversations.find((c) => c.id === conversation.id)?.unread
		).toBe(0);
		expect(await markRead(supplier, conversation.id, { seq: 99 })).toEqual({
			conversationId: conversation.id,
			readSeq: 2
		});
		expect(
			(await unreadCounts(supplier)).conversations.find((c) => c.id === conversation.id)?.unread
		).toBe(0);
		// A read mark never moves back.
		expect((await markRead(supplier, conversation.id, { seq: 1 })).readSeq).toBe(2);
		const bad = await caught(markRead(supplier, conversation.id, { seq: -1 }));
		expect([bad.status, bad.field]).toEqual([400, 'seq']);
		// A reply is unread for the buyer.
		await postMessage(supplier, s, { body: '在' }, T0);
		expect(
			(await unreadCounts(buyer)).conversations.find((c) => c.id === conversation.id)?.unread
		).toBe(1);
	});

	it('logs system messages into the record in the caller’s transaction', async () => {
		const s = await order();
		await postMessage(buyer, s, { body: 'x' }, T0);
		const m = await transaction((tx) => systemMessage(tx, s, '纠纷已提交'));
		expect([m.seq, m.party, m.senderUserId]).toEqual([2, 'system', null]);
		// Rolled back with its transaction.
		await expect(
			transaction(async (tx) => {
				await systemMessage(tx, s, 'never');
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		const list = await listMessages(buyer, s);
		expect(list.messages.map((x) => x.body)).toEqual(['x', '纠纷已提交']);
		expect((await verifyChain(list.conversation.id)).ok).toBe(true);
		// conversationFor is usable from another module's transaction too.
		const c = await transaction((tx) => conversationFor(tx, supplier, s));
		expect([c.conversation.id, c.side]).toEqual([list.conversation.id, 'supplier']);
	});
});
