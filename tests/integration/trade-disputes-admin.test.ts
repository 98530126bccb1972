// The operators' side of disputes (issue 20): the operators' socket room, the arbitration queue
// (/admin/disputes) and the evidence bundle with its ruling form (/admin/disputes/[id]), through
// the services and through the real pages and form actions (app server, sessions).
import * as devalue from 'devalue';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradeDisputeChangedV1 } from '../../src/lib/realtime/events';
import type { Principal } from '../../src/lib/server/auth/principal';
import { db } from '../../src/lib/server/db';
import { tradeDisputes } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import { currentIo } from '../../src/lib/server/realtime/io';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { actOnDispute, fileDispute, postMessage } from '../../src/lib/server/trade';
import { disputeBundle, disputeQueue } from '../../src/lib/server/trade/dispute-admin';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { apiSignIn } from '../helpers/processes';
import { socketClients, type Client } from '../helpers/sockets';
import { arrivedOrder, supplierLots } from '../helpers/trade';

const H = 3_600_000;
let app: Awaited<ReturnType<typeof startAppServer>>;
const sockets = socketClients(() => app.url);
let buyer: Principal;
let stranger: Principal;
let supplier: Principal;
let operator: Principal;
const tokens: Record<string, string> = {};
const cookies: Record<string, string> = {};
let lot: { id: string; unitPriceFen: number };

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	for (const [k, email] of [
		['buyer', DEMO_ACCOUNTS.buyer2],
		['stranger', DEMO_ACCOUNTS.buyer1],
		['supplier', DEMO_ACCOUNTS.supplier2],
		['operator', DEMO_ACCOUNTS.operator]
	] as const) {
		const a = await demoActor(email);
		tokens[k] = a.token;
		cookies[k] = await apiSignIn(app.url, email);
		if (k === 'buyer') buyer = a.actor;
		if (k === 'stranger') stranger = a.actor;
		if (k === 'supplier') supplier = a.actor;
		if (k === 'operator') operator = a.actor;
	}
	lot = (await supplierLots(supplier.orgId!, 1, 1_000_000))[0]!;
}, 180_000);
afterAll(async () => {
	sockets.closeAll();
	await app?.close();
});

async function refused(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

/** A two-line order of buyer2 from supplier2 that arrived an hour ago, disputed on line 0. */
async function disputed(opts: { escalate?: boolean; quantity?: number } = {}) {
	const now = Date.now();
	const o = await arrivedOrder({
		buyerOrgId: buyer.orgId!,
		supplierId: supplier.orgId!,
		createdAt: new Date(now - 10 * H),
		arrivedAt: new Date(now - H),
		freightFen: 20_000,
		lines: [{ lotId: lot.id, quantity: opts.quantity ?? 10, unitPriceFen: 1_000 }]
	});
	const d = await fileDispute(
		buyer,
		o.id,
		{
			lines: [{ lineId: o.lineIds[0]!, quantity: 4, problem: 'damaged', lossBp: 5000 }],
			remedy: 'partial_refund'
		},
		new Date(now - 50 * 60_000)
	);
	await postMessage(buyer, { kind: 'dispute', id: d.id }, { body: '四件破损，见照片。' });
	if (opts.escalate !== false) {
		await actOnDispute(
			supplier,
			d.id,
			{ action: { type: 'counter', refundFen: 1_000 } },
			new Date(now - 40 * 60_000)
		);
		await actOnDispute(buyer, d.id, { action: { type: 'escalate' } }, new Date(now - 30 * 60_000));
	}
	return { order: o, dispute: d };
}

async function until(check: () => boolean, ms = 5000) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe("the operators' room", () => {
	it('operator sockets join it and hear every dispute change; buyers and suppliers do not join it', async () => {
		const [ops, party, other, sup] = await Promise.all([
			sockets.connect(tokens.operator!),
			sockets.connect(tokens.buyer!),
			sockets.connect(tokens.stranger!),
			sockets.connect(tokens.supplier!)
		]);
		const heard = (s: Client) => {
			const got: TradeDisputeChangedV1[] = [];
			s.on('TradeDisputeChangedV1', (e) => got.push(e));
			return got;
		};
		const [gOps, gParty, gOther, gSup] = [heard(ops), heard(party), heard(other), heard(sup)];
		const members = currentIo()!.sockets.adapter.rooms.get('operators') ?? new Set<string>();
		expect(members.has(ops.id!)).toBe(true);
		for (const s of [party, other, sup]) expect(members.has(s.id!)).toBe(false);
		for (const id of members) {
			expect(currentIo()!.sockets.sockets.get(id)?.data.principal.role).toBe('operator');
		}

		const { dispute } = await disputed({ escalate: false });
		await until(() => gOps.some((e) => e.id === dispute.id && e.state === 'awaiting_answer'));
		await actOnDispute(supplier, dispute.id, { action: { type: 'reject' } });
		await until(() => gOps.some((e) => e.id === dispute.id && e.state === 'rejected'));
		await until(() => gParty.some((e) => e.id === dispute.id && e.state === 'rejected'));
		await until(() => gSup.some((e) => e.id === dispute.id && e.state === 'rejected'));
		// the other buyer hears nothing of it (give the broadcast time to arrive if it were sent)
		await new Promise((r) => setTimeout(r, 300));
		expect(gOther.filter((e) => e.id === dispute.id)).toEqual([]);
	});
});

describe('the queue and the bundle (services)', () => {
	it('lists escalated disputes first, by ruling deadline; filters by state; operators only', async () => {
		const a = await disputed();
		const b = await disputed({ escalate: false });
		const q = await disputeQueue(operator);
		const ids = q.items.map((d) => d.id);
		expect(ids).toContain(a.dispute.id);
		expect(ids).toContain(b.dispute.id);
		const firstOther = q.items.findIndex((d) => d.state !== 'escalated');
		expect(q.items.slice(firstOther).every((d) => d.state !== 'escalated')).toBe(true);
		const esc = q.items.filter((d) => d.state === 'escalated').map((d) => d.dueAt!);
		expect([...esc].sort()).toEqual(esc);
		expect(q.items.every((d) => d.state !== 'closed')).toBe(true);
		const only = await disputeQueue(operator, { state: 'awaiting_answer' });
		expect(only.items.every((d) => d.state === 'awaiting_answer')).toBe(true);
		expect(only.items.map((d) => d.id)).toContain(b.dispute.id);
		expect(only.counts.escalated).toBe(q.items.filter((d) => d.state === 'escalated').length);

		const bad = await refused(disputeQueue(operator, { state: 'nonsense' }));
		expect([bad.status, bad.field]).toEqual([400, 'state']);
		for (const p of [buyer, supplier, stranger]) {
			expect((await refused(disputeQueue(p))).status).toBe(403);
		}
	});

	it("gathers the bundle: manifest, no inspection, no evidence, records with a valid chain, the order's escrow", async () => {
		const { order, dispute } = await disputed();
		const b = await disputeBundle(operator, dispute.id);
		expect(b.dispute.state).toBe('escalated');
		expect(b.dispute.counterFen).toBe(1_000);
		expect(b.manifest).toEqual([
			expect.objectContaining({
				lineId: order.lineIds[0],
				quantity: 4,
				lineQuantity: 10,
				problem: 'damaged',
				lossBp: 5000,
				frozenFen: 10_000
			})
		]);
		expect(b.inspection).toBeNull();
		expect(b.sealed).toBeNull();
		expect(b.evidence).toEqual([]);
		const rec = b.conversations.find((c) => c.kind === 'dispute')!;
		expect(rec.check).toEqual({ ok: true, count: rec.messages });
		expect(rec.messages).toBeGreaterThanOrEqual(4); // filed, the buyer's message, counter, escalate
		expect(rec.exportUrl).toBe(`/api/v1/trade/conversations/dispute/${dispute.id}/export`);
		expect(b.order.parcels).toHaveLength(1);
		expect(b.returnLeg).toBeNull();
		expect(b.timeline.some((e) => e.source === 'dispute')).toBe(true);
		expect(b.timeline.some((e) => e.source === 'order' && e.to === 'disputed')).toBe(true);
		// The freight released at filing; the disputed line's 10 000 fen is what is held.
		expect(b.money.paidInFen).toBe(30_000);
		expect(b.money.heldFen).toBe(10_000);
		expect(b.money.releasedFen).toBe(20_000);
		expect(b.money.supplierFen + b.money.feeFen).toBe(b.money.releasedFen);
		for (const t of b.money.transactions) {
			expect(t.entries.reduce((s, e) => s + e.amountFen, 0)).toBe(0);
		}
	});

	it('refuses the bundle to anyone but an operator (403) and answers 404 for an unknown id', async () => {
		const { dispute } = await disputed({ escalate: false });
		for (const p of [buyer, supplier, stranger]) {
			expect((await refused(disputeBundle(p, dispute.id))).status).toBe(403);
		}
		expect((await refused(disputeBundle(operator, crypto.randomUUID()))).status).toBe(404);
		expect((await refused(disputeBundle(operator, 'not-a-uuid'))).status).toBe(404);
	});
});

/** Posts a form action the way the browser's enhance does; returns the decoded result. */
async function postForm(who: string, path: string, fields: Record<string, string>) {
	const r = await fetch(`${app.url}${path}`, {
		method: 'POST',
		headers: {
			cookie: cookies[who]!,
			origin: app.url,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
	const text = await r.text();
	let body: { type?: string; status?: number; data?: string } = {};
	try {
		body = JSON.parse(text) as typeof body;
	} catch {
		/* an HTML error page */
	}
	return {
		http: r.status,
		type: body.type,
		status: body.status,
		data: body.data
			? (devalue.parse(body.data) as {
					error?: { code: string; field?: string; message: string };
					ruled?: { state: string; outcomeKind: string | null; refundFen: number | null };
				})
			: null
	};
}

describe('the pages and the ruling form (HTTP)', () => {
	it('lets only operators open /admin/disputes and a dispute page (others 403, unknown 404)', async () => {
		const { dispute } = await disputed();
		const get = (who: string, path: string) =>
			fetch(`${app.url}${path}`, { headers: { cookie: cookies[who]! }, redirect: 'manual' });
		for (const who of ['buyer', 'supplier', 'stranger']) {
			expect((await get(who, '/admin/disputes')).status, who).toBe(403);
			expect((await get(who, `/admin/disputes/${dispute.id}`)).status, who).toBe(403);
		}
		const list = await get('operator', '/admin/disputes');
		expect(list.status).toBe(200);
		expect(await list.text()).toContain(dispute.id);
		const page = await get('operator', `/admin/disputes/${dispute.id}`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('data-testid="ruling-form"');
		expect((await get('operator', `/admin/disputes/${crypto.randomUUID()}`)).status).toBe(404);
		expect((await get('operator', '/admin/disputes?state=nonsense')).status).toBe(400);
		// a party posting the operator's ruling form is refused by the area guard
		const r = await postForm('buyer', `/admin/disputes/${dispute.id}?/rule`, {
			ruling: 'release',
			reason: 'x'
		});
		expect(r.http === 403 || r.status === 403).toBe(true);
		expect(
			(await db().select().from(tradeDisputes).where(eq(tradeDisputes.id, dispute.id)))[0]!.state
		).toBe('escalated');
	});

	it('refuses a ruling without a reason (field reason) and a refund over the frozen escrow (422, refundYuan), writing nothing', async () => {
		const { dispute } = await disputed();
		const path = `/admin/disputes/${dispute.id}?/rule`;
		const noReason = await postForm('operator', path, {
			ruling: 'partial_refund',
			refundYuan: '30',
			reason: '   '
		});
		expect(noReason.type).toBe('failure');
		// a missing required field is bad input (400) in this codebase, named like every other
		expect([noReason.status, noReason.data?.error?.field]).toEqual([400, 'reason']);
		const over = await postForm('operator', path, {
			ruling: 'partial_refund',
			refundYuan: '100.01', // frozen: 10 000 fen = ¥100
			reason: '超过冻结金额'
		});
		expect([over.type, over.status, over.data?.error?.field]).toEqual([
			'failure',
			422,
			'refundYuan'
		]);
		const junk = await postForm('operator', path, {
			ruling: 'partial_refund',
			refundYuan: 'abc',
			reason: 'r'
		});
		expect([junk.status, junk.data?.error?.field]).toEqual([400, 'refundYuan']);
		const [row] = await db().select().from(tradeDisputes).where(eq(tradeDisputes.id, dispute.id));
		expect([row!.state, row!.version]).toEqual(['escalated', dispute.version + 2]);
	});

	it('rules a partial refund: the dispute closes and the bundle shows the refund, release and fee', async () => {
		const { dispute } = await disputed();
		const r = await postForm('operator', `/admin/disputes/${dispute.id}?/rule`, {
			ruling: 'partial_refund',
			refundYuan: '35.5',
			reason: '照片显示四件破损，按损失比例部分退款。'
		});
		expect(r.type).toBe('success');
		expect(r.data?.ruled).toEqual({
			state: 'closed',
			outcomeKind: 'partial_refund',
			refundFen: 3_550,
			releaseFen: 6_450
		});
		const b = await disputeBundle(operator, dispute.id);
		expect(b.dispute.outcome).toMatchObject({
			kind: 'partial_refund',
			refundFen: 3_550,
			releaseFen: 6_450,
			by: 'operator',
			reason: '照片显示四件破损，按损失比例部分退款。'
		});
		expect(b.order.state).toBe('resolved');
		expect(b.money.heldFen).toBe(0);
		expect(b.money.refundedFen).toBe(3_550);
		expect(b.money.refundedFen + b.money.releasedFen).toBe(b.money.paidInFen);
		expect(b.money.transactions.map((t) => t.key.split(':').at(-1))).toEqual(
			expect.arrayContaining(['dispute-refund', 'dispute-release'])
		);
		// both parties read the same ledger effect through the API; anyone else gets 404
		for (const who of ['buyer', 'supplier']) {
			const res = await fetch(`${app.url}/api/v1/trade/disputes/${dispute.id}`, {
				headers: { cookie: cookies[who]! }
			});
			expect(res.status, who).toBe(200);
			const body = (await res.json()) as { money: typeof b.money };
			expect(body.money, who).toEqual(b.money);
		}
		const other = await fetch(`${app.url}/api/v1/trade/disputes/${dispute.id}`, {
			headers: { cookie: cookies.stranger! }
		});
		expect(other.status).toBe(404);
		// the record still verifies, with the ruling in it
		expect(b.conversations.every((c) => c.check.ok)).toBe(true);
		// the closed dispute leaves the open queue and shows under "closed"
		expect((await disputeQueue(operator)).items.map((d) => d.id)).not.toContain(dispute.id);
		expect((await disputeQueue(operator, { state: 'closed' })).items.map((d) => d.id)).toContain(
			dispute.id
		);
		// ruling again is refused (409), nothing changes
		const again = await postForm('operator', `/admin/disputes/${dispute.id}?/rule`, {
			ruling: 'release',
			reason: 'again'
		});
		expect(again.status).toBe(409);
	});
});
