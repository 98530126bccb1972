// Dispute evidence and the dispute pages' form actions over HTTP (the real hooks and routes): an
// evidence upload over the policy's limit is 413 naming `size`; filing with an unfinished upload
// is 422 at `evidence.0.uploadId` and writes nothing; the order page's `?/dispute` action
// refuses a loss over 100% at the form's own row field, then files with the photo and redirects
// to the dispute's page; the supplier's `?/answer` counters; the evidence route and the media
// file are the parties' (a stranger 404).
import * as devalue from 'devalue';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { tradeDisputes } from '../../src/lib/server/db/schema';
import { DEFAULT_TRADE_POLICY } from '../../src/lib/domain/trade/policy';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { arrivedOrder, orderRow, PNG, supplierLots } from '../helpers/trade';

let app: Awaited<ReturnType<typeof startAppServer>>;
type Caller = Record<string, string>;
let buyer: Caller, supplier: Caller, stranger: Caller;
let order: { id: string; lineIds: string[] };

async function call(who: Caller, method: string, path: string, body?: unknown) {
	const r = await fetch(`${app.url}${path}`, {
		method,
		headers: {
			...who,
			'accept-language': 'en',
			...(body !== undefined ? { 'content-type': 'application/json' } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	const json = r.headers.get('content-type')?.includes('json');
	return {
		status: r.status,
		headers: r.headers,
		body: (json && text ? JSON.parse(text) : {}) as Record<string, unknown> & {
			error?: { code: string; field?: string };
		}
	};
}

/** A form action posted the way SvelteKit's enhance does; the result's data decoded. */
async function action(who: Caller, path: string, fields: [string, string][]) {
	const r = await fetch(`${app.url}${path}`, {
		method: 'POST',
		headers: { ...who, accept: 'application/json', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
	const result = (await r.json()) as {
		type: string;
		status: number;
		location?: string;
		data?: string;
	};
	return {
		...result,
		// a refusal before the action (the area's guard) is the HTTP status of an error result
		status: result.status ?? r.status,
		data: result.data
			? (devalue.parse(result.data) as {
					error?: { code: string; field?: string };
					values?: Record<string, string>;
				})
			: null
	};
}

async function evidenceUpload(who: Caller, finish = true): Promise<string> {
	const u = await call(who, 'POST', '/api/v1/uploads', {
		purpose: 'dispute_evidence',
		refId: order.id,
		size: PNG.byteLength,
		mime: 'image/png',
		name: 'crushed.png'
	});
	expect(u.status).toBe(201);
	const id = (u.body.upload as { id: string }).id;
	if (finish) {
		const r = await fetch(`${app.url}/api/v1/uploads/${id}`, {
			method: 'PATCH',
			headers: {
				...who,
				'upload-offset': '0',
				'content-type': 'application/offset+octet-stream'
			},
			body: PNG
		});
		expect(r.status).toBe(200);
	}
	return id;
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	const [s, b, x] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.supplier3),
		demoActor(DEMO_ACCOUNTS.buyer1),
		demoActor(DEMO_ACCOUNTS.buyer2)
	]);
	const cookie = (token: string) => ({ cookie: `lotlive_session=${token}`, origin: app.url });
	[supplier, buyer, stranger] = [cookie(s.token), cookie(b.token), cookie(x.token)];
	const lots = await supplierLots(s.actor.orgId!, 2, 10_000);
	// Arrived an hour ago: the routes' clock is the wall clock, the window is open.
	const now = Date.now();
	order = await arrivedOrder({
		buyerOrgId: b.actor.orgId!,
		supplierId: s.actor.orgId!,
		createdAt: new Date(now - 10 * 3_600_000),
		arrivedAt: new Date(now - 3_600_000),
		lines: [
			{ lotId: lots[0]!.id, quantity: 10, unitPriceFen: 1_000 },
			{ lotId: lots[1]!.id, quantity: 4, unitPriceFen: 2_500 }
		]
	});
}, 180_000);

afterAll(async () => {
	await app?.close();
});

it('files with evidence over HTTP and the forms; refusals name their field and write nothing', async () => {
	const big = await call(buyer, 'POST', '/api/v1/uploads', {
		purpose: 'dispute_evidence',
		refId: order.id,
		size: DEFAULT_TRADE_POLICY.disputes.evidenceMaxBytes + 1,
		mime: 'video/mp4',
		name: 'long.mp4'
	});
	expect([big.status, big.body.error?.code, big.body.error?.field]).toEqual([
		413,
		'too_large',
		'size'
	]);
	const strangers = await call(stranger, 'POST', '/api/v1/uploads', {
		purpose: 'dispute_evidence',
		refId: order.id,
		size: PNG.byteLength,
		mime: 'image/png',
		name: 'x.png'
	});
	expect(strangers.status).toBe(404);

	const half = await evidenceUpload(buyer, false);
	const claim = {
		orderId: order.id,
		lines: [{ lineId: order.lineIds[0], quantity: 2, problem: 'damaged', lossBp: 5000 }],
		remedy: 'partial_refund'
	};
	const unfinished = await call(buyer, 'POST', '/api/v1/trade/disputes', {
		...claim,
		evidence: [{ uploadId: half }]
	});
	expect([unfinished.status, unfinished.body.error?.field]).toEqual([422, 'evidence.0.uploadId']);
	expect(
		await db().select().from(tradeDisputes).where(eq(tradeDisputes.orderId, order.id))
	).toEqual([]);

	// The order page's form: rows as the page renders them (one per order line, the first left
	// empty), a loss over 100% on the second → refused at that row's field.
	const photo = await evidenceUpload(buyer);
	const rows = (loss: string): [string, string][] => [
		['lines.0.lineId', order.lineIds[0]!],
		['lines.0.quantity', ''],
		['lines.0.problem', 'wrong_item'],
		['lines.0.loss', ''],
		['lines.1.lineId', order.lineIds[1]!],
		['lines.1.quantity', '2'],
		['lines.1.problem', 'damaged'],
		['lines.1.loss', loss],
		['remedy', 'partial_refund'],
		['refund', ''],
		['description', '两件破损'],
		['evidence', photo]
	];
	const page = `/buyer/orders/${order.id}`;
	const over = await action(buyer, `${page}?/dispute`, rows('150'));
	expect([over.type, over.status, over.data?.error?.field]).toEqual([
		'failure',
		400,
		'lines.1.loss'
	]);
	expect(over.data?.values?.['lines.1.quantity']).toBe('2');
	expect((await orderRow(order.id)).state).toBe('arrived');
	// The supplier cannot file from the buyer's page (the area is the buyer's).
	expect((await action(supplier, `${page}?/dispute`, rows('50'))).status).toBe(403);

	const filed = await action(buyer, `${page}?/dispute`, rows('50'));
	expect(filed.type).toBe('redirect');
	const disputeId = filed.location!.match(/^\/buyer\/disputes\/([0-9a-f-]{36})$/)![1]!;
	const seen = await call(supplier, 'GET', `/api/v1/trade/disputes/${disputeId}`);
	expect(seen.status).toBe(200);
	const evidence = seen.body.evidence as { url: string; party: string; kind: string }[];
	expect(evidence.map((e) => [e.party, e.kind])).toEqual([['buyer', 'photo']]);
	const lines = seen.body.lines as { lineId: string; quantity: number; lossBp: number }[];
	expect(lines.map((l) => [l.lineId, l.quantity, l.lossBp])).toEqual([[order.lineIds[1], 2, 5000]]);
	expect((await call(stranger, 'GET', `/api/v1/trade/disputes/${disputeId}`)).status).toBe(404);
	const file = await call(supplier, 'GET', evidence[0]!.url);
	expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/png']);
	expect((await call(stranger, 'GET', evidence[0]!.url)).status).toBe(404);

	// Adding later: the supplier's own photo; a stranger 404; a bad body names the field.
	const more = `/api/v1/trade/disputes/${disputeId}/evidence`;
	const fromSupplier = await evidenceUpload(supplier);
	expect(
		(await call(stranger, 'POST', more, { evidence: [{ uploadId: fromSupplier }] })).status
	).toBe(404);
	const bad = await call(supplier, 'POST', more, { evidence: [{ uploadId: 'x' }] });
	expect([bad.status, bad.body.error?.field]).toEqual([400, 'evidence.0.uploadId']);
	const added = await call(supplier, 'POST', more, { evidence: [{ uploadId: fromSupplier }] });
	expect(added.status).toBe(201);

	// The supplier's page: a counter-offer in yuan; an amount over the frozen one at `refund`.
	const spage = `/supplier/disputes/${disputeId}`;
	const tooMuch = await action(supplier, `${spage}?/answer`, [
		['answer', 'counter'],
		['refund', '99999']
	]);
	expect([tooMuch.type, tooMuch.status, tooMuch.data?.error?.field]).toEqual([
		'failure',
		422,
		'refund'
	]);
	const countered = await action(supplier, `${spage}?/answer`, [
		['answer', 'counter'],
		['refund', '12.50']
	]);
	expect(countered.type).toBe('success');
	const [row] = await db().select().from(tradeDisputes).where(eq(tradeDisputes.id, disputeId));
	expect([row!.state, row!.counterFen]).toEqual(['countered', 1250]);
	// The buyer cannot answer for the supplier (its area), nor see another org's dispute page.
	expect((await action(buyer, `${spage}?/answer`, [['answer', 'accept']])).status).toBe(403);
	const strangerPage = await fetch(`${app.url}/buyer/disputes/${disputeId}`, {
		headers: stranger
	});
	expect(strangerPage.status).toBe(404);
});
