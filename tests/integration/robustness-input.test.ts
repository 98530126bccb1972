// Issue 17.3: input that reached Postgres and came back as a 500 — NUL characters, paidAt
// coerced from `true` or far outside Postgres's range, statement periods before year 2,
// non-uuid path parameters — and an unknown body key refused without naming it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/lib/server/auth/service';
import { db } from '../../src/lib/server/db';
import { lots, orgs, shows, showSlots } from '../../src/lib/server/db/schema';
import { acquireLock } from '../../src/lib/server/live/locks';
import { createShow, transitionShow } from '../../src/lib/server/live/shows';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { demoActor, stockedLots } from '../helpers/demo';
import { dbFingerprint } from '../helpers/fingerprint';
import { apiSignIn } from '../helpers/processes';

let app: Awaited<ReturnType<typeof startAppServer>>;
let supplier: string;
let host: string;
let ops: string;
let token: string;
let showId: string;
let slotId: string;
let lotId: string;
let supplierOrgId: string;

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	[supplier, host, ops] = await Promise.all([
		apiSignIn(app.url, DEMO_ACCOUNTS.supplier1),
		apiSignIn(app.url, DEMO_ACCOUNTS.host),
		apiSignIn(app.url, DEMO_ACCOUNTS.operator)
	]);
	const h = await demoActor(DEMO_ACCOUNTS.host);
	token = (await createApiToken(h.actor, { name: 'webhook' })).token;
	lotId = (await stockedLots(1, 100))[0]!;
	showId = (await createShow(h.actor, { title: '输入检查', slots: [{ lotId }] })).id;
	await transitionShow(h.actor, showId, { status: 'live' });
	await acquireLock(h.actor, showId, { lotId, quantity: 10 });
	const [slot] = await db()
		.select({ id: showSlots.id })
		.from(showSlots)
		.where(eq(showSlots.showId, showId));
	slotId = slot!.id;
	const [s] = await db().select({ id: orgs.id }).from(orgs).where(eq(orgs.kind, 'supplier'));
	supplierOrgId = s!.id;
}, 180_000);
afterAll(() => app.close());

async function call(
	method: string,
	path: string,
	auth: string,
	body?: unknown
): Promise<{ status: number; error?: { code: string; message: string; field?: string } }> {
	const headers: Record<string, string> = auth.startsWith('llt_')
		? { authorization: `Bearer ${auth}` }
		: { cookie: auth, origin: app.url };
	if (body !== undefined) headers['content-type'] = 'application/json';
	const r = await fetch(`${app.url}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await r.text();
	let parsed: { error?: { code: string; message: string; field?: string } } = {};
	try {
		parsed = JSON.parse(text) as typeof parsed;
	} catch {
		/* not JSON */
	}
	return { status: r.status, error: parsed.error };
}

const order = (over: Record<string, unknown> = {}) => ({
	externalId: `EXT-${Math.random().toString(36).slice(2)}`,
	showId,
	lines: [{ lotId, quantity: 1, unitPrice: 3500 }],
	shipTo: {
		name: '李娜',
		phone: '13805310001',
		province: '山东省',
		city: '济南市',
		district: '历下区',
		address: '泉城路 188 号'
	},
	paidAt: '2026-11-26T12:00:00+08:00',
	...over
});

const lot = (over: Record<string, unknown> = {}) => ({
	title: '纯棉T恤',
	categoryPath: 'apparel/women/tops',
	source: 'factory_overrun',
	grade: 'A',
	tagPriceFen: 29900,
	unitPriceFen: 5000,
	moq: 50,
	onHand: 500,
	...over
});

describe('refusals that used to be 500s', () => {
	it('refuses NUL and other control characters in any text field or search parameter', async () => {
		const before = await dbFingerprint();
		const cases: [string, string, string, unknown, string][] = [
			['POST', '/api/v1/lots', supplier, lot({ title: '纯棉\u0000T恤' }), 'title'],
			['POST', '/api/v1/lots', supplier, lot({ description: 'a\u0000' }), 'description'],
			[
				'POST',
				'/api/v1/lots',
				supplier,
				lot({ attributes: { 'k\u0000': 'v' } }),
				'attributes.k\u0000'
			],
			['PATCH', `/api/v1/lots/${lotId}`, ops, { title: 'x\u0007y' }, 'title'],
			['GET', '/api/v1/lots?q=%00', host, undefined, 'q'],
			['GET', '/api/v1/lots?region=%C2%85', host, undefined, 'region'],
			['POST', '/api/v1/orders', token, order({ externalId: 'A\u0000B' }), 'externalId'],
			[
				'POST',
				'/api/v1/orders',
				token,
				order({ shipTo: { ...order().shipTo, name: '李\u0000娜' } }),
				'shipTo.name'
			],
			['POST', '/api/v1/tokens', host, { name: 'n\u0000' }, 'name'],
			['POST', '/api/v1/auth/sign-in', '', { email: 'a\u0000@b.cn', password: 'x' }, 'email']
		];
		for (const [method, path, auth, body, field] of cases) {
			const r = await call(method, path, auth, body);
			expect({ path, status: r.status, field: r.error?.field }).toEqual({
				path,
				status: 400,
				field
			});
			expect(r.error?.code).toBe('invalid_input');
		}
		// a description may still span lines
		const ok = await call('PATCH', `/api/v1/lots/${lotId}`, ops, {
			description: '第一行\r\n第二行\t完'
		});
		expect(ok.status).toBe(200);
		await db().update(lots).set({ description: '' }).where(eq(lots.id, lotId));
		const after = await dbFingerprint();
		expect({ ...after, lots: '' }).toEqual({ ...before, lots: '' });
	});

	it('paidAt: a string ISO date-time with offset within 2000…2100, never true or a number', async () => {
		const before = await dbFingerprint();
		for (const paidAt of [
			true,
			1,
			0,
			'1970-01-01T00:00:00Z',
			'0001-01-01T00:00:00Z',
			'+275760-09-13T00:00:00Z',
			'9999-12-31T23:59:59Z',
			'2026-02-30T12:00:00Z',
			'2026-11-26',
			'tomorrow'
		]) {
			const r = await call('POST', '/api/v1/orders', token, order({ paidAt }));
			expect({ paidAt, status: r.status, field: r.error?.field }).toEqual({
				paidAt,
				status: 400,
				field: 'paidAt'
			});
		}
		expect(await dbFingerprint()).toEqual(before);
		const good = await call('POST', '/api/v1/orders', token, order());
		expect(good.status).toBe(201);
	});

	it('statement periods before year 2000 or malformed are 400s, not 1900', async () => {
		for (const [q, field] of [
			['from=0001-01-01', 'from'],
			['from=1999-12-31&to=2026-01-31', 'from'],
			['to=9999-12-31', 'to'],
			['month=0000-01', 'month'],
			['month=2026-13', 'month'],
			['from=2026-02-30', 'from']
		] as const) {
			const r = await call('GET', `/api/v1/ledger/statements/${supplierOrgId}?${q}`, ops);
			expect({ q, status: r.status, field: r.error?.field }).toEqual({ q, status: 400, field });
		}
		const ok = await call('GET', `/api/v1/ledger/statements/${supplierOrgId}?month=2026-11`, ops);
		expect(ok.status).toBe(200);
	});

	it('non-uuid path parameters are 400s naming the parameter', async () => {
		const before = await dbFingerprint();
		for (const [method, path, field, body] of [
			['DELETE', '/api/v1/tokens/not-a-uuid', 'id', undefined],
			['PATCH', `/api/v1/shows/${showId}/slots/1`, 'slotId', { packaging: [] }],
			['PATCH', `/api/v1/shows/x/slots/${slotId}`, 'id', { packaging: [] }],
			['GET', '/api/v1/lots/%00', 'id', undefined],
			['GET', '/api/v1/orders/12345', 'id', undefined],
			['DELETE', '/api/v1/locks/abc', 'id', undefined],
			['GET', '/api/v1/ledger/statements/zzz', 'orgId', undefined],
			['DELETE', `/api/v1/boards/${showId}/viewers/me`, 'userId', undefined]
		] as const) {
			const r = await call(method, path, ops, body);
			expect({ path, status: r.status, field: r.error?.field }).toEqual({
				path,
				status: 400,
				field
			});
		}
		expect(await dbFingerprint()).toEqual(before);
		const [s] = await db().select().from(shows).where(eq(shows.id, showId));
		expect(s).toBeDefined();
	});

	it('an unknown body key is a 400 naming that key', async () => {
		const before = await dbFingerprint();
		const r = await call('POST', '/api/v1/lots', supplier, lot({ colour: 'red' }));
		expect(r.status).toBe(400);
		expect(r.error?.field).toBe('colour');
		expect(r.error?.message).toContain('colour');
		const p = await call('PATCH', `/api/v1/lots/${lotId}`, ops, { onHand: 10, secret: 1 });
		expect(p.status).toBe(400);
		expect(p.error?.field).toBe('secret');
		expect(await dbFingerprint()).toEqual(before);
	});
});
