// Fuzz suite, trade and uploads API (/api/v1/trade/**, /api/v1/uploads/**): requests generated
// from the OpenAPI document with hostile bodies, ids, query strings and headers (Idempotency-Key,
// Upload-Offset, Content-Type), sent as buyers, suppliers, an operator, a host, API tokens and
// nobody. Every answer is below 500; every refusal is {error:{code,message}} naming the field
// when input is at fault; a refused write leaves the database as it was. Then the cross-tenant
// matrix: another buyer's order and another supplier's order are 404 on every route, and a side
// calling the other side's step is refused without a change. Seed: FUZZ_SEED.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/lib/server/auth/service';
import { DEMO_ACCOUNTS, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';
import {
	acceptOrder,
	checkout,
	confirmArrival,
	packOrder,
	payWithTestProvider,
	shipOrder
} from '../../src/lib/server/trade';
import { createUpload } from '../../src/lib/server/uploads';
import { authorizeTradeUpload } from '../../src/lib/server/trade/attachments';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { dbFingerprint } from '../helpers/fingerprint';
import {
	FUZZ_SEED,
	apiRoutes,
	checkRefusal,
	encodePathPart,
	fromSchema,
	hostileJson,
	hostileString,
	resolver
} from '../helpers/fuzz';
import { apiSignIn } from '../helpers/processes';
import { lotsOfSupplier, setupLot, SHIP_TO } from '../helpers/trade-checkout';

let app: Awaited<ReturnType<typeof startAppServer>>;
const callers: Record<string, Record<string, string>> = { nobody: {} };
let doc: Record<string, unknown>;
/** Real ids by path parameter. */
const ids: Record<string, string[]> = { id: [], intentId: [], lotId: [], uploadId: [] };
/** buyer1's orders from supplier1, by state. */
const orders: Record<string, string> = {};

type A = Awaited<ReturnType<typeof demoActor>>;

async function order(buyer: A, lotId: string, provider: 'test' | 'bank_transfer' = 'test') {
	const r = await checkout(
		buyer.actor,
		{ lines: [{ lotId, quantity: 60 }], shipTo: SHIP_TO, provider },
		`fuzz-${Math.random().toString(36).slice(2)}`
	);
	return r.orders[0]!;
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	const [buyer1, buyer2, supplier1] = await Promise.all([
		demoActor(DEMO_ACCOUNTS.buyer1),
		demoActor(DEMO_ACCOUNTS.buyer2),
		demoActor(DEMO_ACCOUNTS.supplier1)
	]);
	const lots = await lotsOfSupplier(DEMO_ACCOUNTS.supplier1, 3);
	for (const id of lots) await setupLot(id, { moq: 50, onHand: 100_000 });
	ids.lotId = lots;

	// buyer1's orders in several states, buyer2's one, a bank transfer waiting for an operator
	const pending = await order(buyer1, lots[0]!);
	const paid = await order(buyer1, lots[0]!);
	await payWithTestProvider(buyer1.actor, paid.id);
	const arrived = await order(buyer1, lots[1]!);
	await payWithTestProvider(buyer1.actor, arrived.id);
	await acceptOrder(supplier1.actor, arrived.id);
	await packOrder(supplier1.actor, arrived.id);
	await shipOrder(supplier1.actor, arrived.id, {
		parcels: [{ carrier: 'SF', trackingNo: 'SF5550001112', cartons: 1 }]
	});
	await confirmArrival(buyer1.actor, arrived.id);
	const bank = await order(buyer1, lots[2]!, 'bank_transfer');
	const foreign = await order(buyer2, lots[2]!);
	Object.assign(orders, {
		pending: pending.id,
		paid: paid.id,
		arrived: arrived.id,
		bank: bank.id,
		foreign: foreign.id
	});
	ids.id = Object.values(orders);
	ids.intentId = [bank.payment!.intentId, pending.payment!.intentId];
	const u = await createUpload(
		buyer1.actor,
		{
			purpose: 'inspection_video',
			refId: arrived.id,
			size: 1000,
			mime: 'video/mp4',
			name: 'a.mp4'
		},
		authorizeTradeUpload
	);
	ids.uploadId = [u.id];

	for (const [who, email] of [
		['buyer', DEMO_ACCOUNTS.buyer1],
		['buyer2', DEMO_ACCOUNTS.buyer2],
		['supplier', DEMO_ACCOUNTS.supplier1],
		['supplier2', DEMO_ACCOUNTS.supplier2],
		['operator', DEMO_ACCOUNTS.operator],
		['host', DEMO_ACCOUNTS.host]
	] as const) {
		callers[who] = { cookie: await apiSignIn(app.url, email), origin: app.url };
	}
	for (const [who, email] of [
		['buyerToken', DEMO_ACCOUNTS.buyer1],
		['supplierToken', DEMO_ACCOUNTS.supplier1]
	] as const) {
		const { actor } = await demoActor(email);
		const { token } = await createApiToken(actor, { name: `fuzz ${who}` });
		callers[who] = { authorization: `Bearer ${token}` };
	}
	doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
}, 240_000);
afterAll(() => app?.close());

interface Operation {
	template: string;
	method: string;
	params: string[];
	body?: Record<string, unknown>;
	query: string[];
}

const OURS = /^\/api\/v1\/(trade|uploads)(\/|$)/;

function operations(): Operation[] {
	const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
	const out: Operation[] = [];
	for (const r of apiRoutes().filter((x) => OURS.test(x.template))) {
		const oaPath = r.template.replace(/\[(\w+)\]/g, '{$1}');
		const methods = r.template === '/api/v1/uploads/[id]' ? [...r.methods, 'HEAD'] : r.methods;
		for (const method of methods) {
			const op = paths[oaPath]?.[method.toLowerCase()];
			expect(op, `${method} ${oaPath} is documented`).toBeTruthy();
			const requestBody = op?.requestBody as
				{ content?: Record<string, { schema?: Record<string, unknown> }> } | undefined;
			const params = [
				...((op?.parameters ?? []) as { name: string; in: string }[]),
				...((paths[oaPath]?.parameters ?? []) as unknown as { name: string; in: string }[])
			];
			out.push({
				template: r.template,
				method,
				params: r.params,
				body: requestBody?.content?.['application/json']?.schema,
				query: params.filter((p) => p.in === 'query').map((p) => p.name)
			});
		}
	}
	return out;
}

function paramArb(template: string, name: string): fc.Arbitrary<string> {
	const pool = template.startsWith('/api/v1/uploads') ? ids.uploadId! : (ids[name] ?? []);
	const real = pool.length ? fc.constantFrom(...pool) : fc.uuid();
	return fc.oneof(
		{ arbitrary: real, weight: 5 },
		{ arbitrary: fc.uuid(), weight: 1 },
		{ arbitrary: hostileString, weight: 2 }
	);
}

const CONTENT_TYPES = [
	'application/json',
	'application/json; charset=utf-8',
	'text/plain',
	'application/offset+octet-stream',
	'application/octet-stream',
	'multipart/form-data; boundary=x',
	'image/jpeg'
];

it('no trade or upload request gets a 5xx, every refusal is {error} and a refused write changes nothing', async () => {
	const ops = operations();
	expect(ops.length).toBeGreaterThanOrEqual(20);
	const resolve = resolver(doc);
	const request = fc.constantFrom(...ops).chain((op) =>
		fc.record({
			op: fc.constant(op),
			caller: fc.constantFrom(...Object.keys(callers)),
			params: fc.tuple(...op.params.map((p) => paramArb(op.template, p)), fc.constant('')),
			query: fc.dictionary(
				fc.constantFrom(...op.query, 'state', 'limit', 'before', 'lotId', 'x'),
				fc.oneof(fc.string({ maxLength: 12 }), hostileString),
				{ maxKeys: 3 }
			),
			body: op.body
				? fromSchema(op.body, resolve)
				: fc.oneof(hostileJson, fc.dictionary(hostileString, hostileJson, { maxKeys: 4 })),
			raw: fc.option(fc.constantFrom('{', 'null', '"x"', '[1,2]', '\u0000', '', '\u00ff\u00d8'), {
				freq: 6
			}),
			contentType: fc.oneof(
				{ arbitrary: fc.constant('application/json'), weight: 6 },
				{ arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 }
			),
			idempotencyKey: fc.option(
				fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), hostileString),
				{ freq: 4 }
			),
			uploadOffset: fc.option(
				fc.oneof(fc.constantFrom('0', '1', '999', '1000', '-1', '1e3', ' 0'), hostileString),
				{ freq: 4 }
			)
		})
	);
	const failures: string[] = [];
	const statuses: Record<number, number> = {};
	await fc.assert(
		fc.asyncProperty(
			request,
			async ({
				op,
				caller,
				params,
				query,
				body,
				raw,
				contentType,
				idempotencyKey,
				uploadOffset
			}) => {
				let path = op.template;
				op.params.forEach((p, i) => {
					path = path.replace(`[${p}]`, encodePathPart(params[i]!));
				});
				const qs = new URLSearchParams(query).toString();
				const url = `${app.url}${path}${qs ? `?${qs}` : ''}`;
				const mutating = op.method !== 'GET' && op.method !== 'HEAD';
				const headers: Record<string, string> = { ...callers[caller], 'accept-language': 'en' };
				const safeHeader = (v: string | null) =>
					v !== null && /^[\t\x20-\x7e\x80-\xff]*$/.test(v) ? v : null;
				const key = safeHeader(idempotencyKey);
				if (key !== null) headers['idempotency-key'] = key;
				const off = safeHeader(uploadOffset);
				if (off !== null) headers['upload-offset'] = off;
				let payload: string | undefined;
				if (mutating) {
					headers['content-type'] = contentType;
					payload = raw ?? JSON.stringify(body);
				}
				const before = mutating ? await dbFingerprint() : undefined;
				const r = await fetch(url, { method: op.method, headers, body: payload });
				const text = await r.text();
				statuses[r.status] = (statuses[r.status] ?? 0) + 1;
				let parsed: unknown;
				if ((r.headers.get('content-type') ?? '').includes('json') && text) {
					try {
						parsed = JSON.parse(text);
					} catch {
						failures.push(`${op.method} ${path}: malformed JSON answer`);
					}
				}
				const what = `${op.method} ${path}${qs ? `?${qs}` : ''} as ${caller} [${contentType}${key !== null ? ` key=${key}` : ''}${off !== null ? ` offset=${off}` : ''}] body=${payload?.slice(0, 200)}`;
				const verdict = checkRefusal(what, r.status, parsed);
				if (!verdict.ok) failures.push(verdict.why);
				if (before && r.status >= 400) {
					const after = await dbFingerprint();
					const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
					if (changed.length > 0)
						failures.push(`${what}: refused (${r.status}) but changed ${changed}`);
				}
				return true;
			}
		),
		{ seed: FUZZ_SEED, numRuns: Number(process.env.FUZZ_RUNS ?? 300) }
	);
	expect(failures, `FUZZ_SEED=${FUZZ_SEED}\n${[...new Set(failures)].join('\n')}`).toEqual([]);
	console.log(`fuzz-trade-api: seed ${FUZZ_SEED}, answers by status`, statuses);
	expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
}, 300_000);

describe('cross-tenant', () => {
	const post = (who: string, path: string, body?: unknown) =>
		fetch(`${app.url}/api/v1/trade${path}`, {
			method: 'POST',
			headers: {
				...callers[who],
				'accept-language': 'en',
				...(body !== undefined ? { 'content-type': 'application/json' } : {})
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	const get = (who: string, path: string) =>
		fetch(`${app.url}/api/v1/trade${path}`, { headers: { ...callers[who] } });
	const ship = { parcels: [{ carrier: 'SF', trackingNo: 'SF9990001112', cartons: 1 }] };
	const STEPS: [string, unknown?][] = [
		['accept'],
		['pack'],
		['ship', ship],
		['arrive'],
		['release'],
		['pay'],
		['cancel'],
		['inspection'],
		['inspection', { items: [] }]
	];

	it('another buyer’s order is 404 for a buyer, its token and other suppliers, on every route', async () => {
		const before = await dbFingerprint();
		for (const who of ['buyer2', 'supplier2', 'host']) {
			for (const id of [orders.pending!, orders.paid!, orders.arrived!]) {
				const r = await get(who, `/orders/${id}`);
				expect(r.status, `${who} GET ${id}`).toBe(404);
				expect((await get(who, `/orders/${id}/inspection`)).status, `${who} inspection`).toBe(404);
				for (const [step, body] of STEPS) {
					const s = await post(who, `/orders/${id}/${step}`, body);
					expect(s.status, `${who} ${step} ${id}`).toBe(404);
				}
			}
		}
		for (const who of ['buyer', 'buyerToken', 'supplier2']) {
			expect((await get(who, `/orders/${orders.foreign}`)).status, who).toBe(404);
			expect((await post(who, `/orders/${orders.foreign}/pay`)).status, who).toBe(404);
		}
		// a foreign upload
		for (const who of ['buyer2', 'supplier', 'buyerToken']) {
			const r = await fetch(`${app.url}/api/v1/uploads/${ids.uploadId![0]}`, {
				method: 'HEAD',
				headers: callers[who]
			});
			expect(r.status, who).toBe(404);
		}
		expect(await dbFingerprint()).toEqual(before);
	});

	it('a side calling the other side’s step is refused and nothing moves', async () => {
		const before = await dbFingerprint();
		// buyer (session and token) on supplier steps of a paid order
		for (const who of ['buyer', 'buyerToken']) {
			for (const [step, body] of [['accept'], ['pack'], ['ship', ship]] as [string, unknown?][]) {
				const r = await post(who, `/orders/${orders.paid}/${step}`, body);
				expect([403, 409], `${who} ${step}: ${r.status}`).toContain(r.status);
			}
		}
		// the supplier (session and token) on buyer steps
		for (const who of ['supplier', 'supplierToken']) {
			for (const step of ['pay', 'cancel']) {
				const r = await post(who, `/orders/${orders.pending}/${step}`);
				expect([403, 409], `${who} ${step}: ${r.status}`).toContain(r.status);
			}
			for (const [step, body] of [
				['arrive'],
				['release'],
				['inspection'],
				['inspection', { items: [] }]
			] as [string, unknown?][]) {
				const r = await post(who, `/orders/${orders.arrived}/${step}`, body);
				expect([403, 409], `${who} ${step}: ${r.status}`).toContain(r.status);
			}
			// and cannot confirm a bank transfer
			const c = await post(who, `/payments/${ids.intentId![0]}/confirm`, { reference: 'BK0001' });
			expect(c.status).toBe(403);
		}
		// nor can a buyer
		expect(
			(await post('buyer', `/payments/${ids.intentId![0]}/confirm`, { reference: 'BK0001' })).status
		).toBe(403);
		expect(await dbFingerprint()).toEqual(before);
	});
});
