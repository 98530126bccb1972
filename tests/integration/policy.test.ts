// The operator's policy: saved versions with who/when/why, validation before anything is
// written, and the effective policy reaching this process at once and another node (its own
// database connection and cache) within seconds by NOTIFY, or by the periodic re-read.
import { sessionPrincipal, type Principal } from '../../src/lib/server/auth/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/lib/domain/policy';
import { signUp } from '../../src/lib/server/auth/service';
import { db, dbHandle, openDatabase, type DbHandle } from '../../src/lib/server/db';
import { policyVersions } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import {
	createPolicyCache,
	currentPolicy,
	effectivePolicy,
	policyHistory,
	savePolicy,
	type PolicyCache
} from '../../src/lib/server/platform/policy';
import { makeMember } from '../helpers/users';

let operator: Principal;
let host: Principal;
/** "Another node": its own connection (Postgres) and its own cache. */
let other: DbHandle;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
	const op = await makeMember('operator', null, { displayName: '平台运营小王' });
	operator = sessionPrincipal(op.user);
	const h = await makeMember('host', null);
	host = sessionPrincipal(h.user);
	const url = process.env.DATABASE_URL;
	other = url ? openDatabase({ databaseUrl: url, poolMax: 2 }) : dbHandle();
});
afterAll(async () => {
	for (const s of stops) await s();
	if (other !== dbHandle()) await other.close();
});

async function caught(p: Promise<unknown>): Promise<AppError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

async function until(check: () => boolean, ms: number): Promise<number> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 25));
	}
	return Date.now() - start;
}

const versions = async () => (await db().select().from(policyVersions)).length;

describe('policy versions', () => {
	it('saves a change as a new version, in force here at once, with who, when, why and what', async () => {
		expect(currentPolicy().live.lockTtlMinutes).toBe(DEFAULT_POLICY.live.lockTtlMinutes);
		const before = Date.now();
		const r = await savePolicy(operator, {
			changes: { 'live.lockTtlMinutes': 30, 'money.platformFeeBp': 250 },
			reason: '双十一缩短锁定时间',
			baseVersion: 0
		});
		expect(r.version).toBe(1);
		expect(currentPolicy().live.lockTtlMinutes).toBe(30);
		expect(currentPolicy().money.platformFeeBp).toBe(250);
		// everything else stays as it was
		expect(currentPolicy().orders).toEqual(DEFAULT_POLICY.orders);

		const [h] = await policyHistory(operator);
		expect(h).toMatchObject({
			version: 1,
			reason: '双十一缩短锁定时间',
			createdBy: { id: operator.userId, displayName: '平台运营小王' },
			changes: [
				{ path: 'live.lockTtlMinutes', from: 240, to: 30 },
				{ path: 'money.platformFeeBp', from: 300, to: 250 }
			]
		});
		expect(h!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
	});

	it('refuses bad input naming the field, and writes nothing', async () => {
		const n = await versions();
		const cases: [unknown, number, string][] = [
			[{ changes: { 'live.lockTtlMinutes': 0 }, reason: 'x' }, 400, 'live.lockTtlMinutes'],
			[{ changes: { 'orders.shipSlaHours': -5 }, reason: 'x' }, 400, 'orders.shipSlaHours'],
			[{ changes: { 'money.platformFeeBp': 'abc' }, reason: 'x' }, 400, 'money.platformFeeBp'],
			[{ changes: { 'pricing.bands.B.maxBp': 1700 }, reason: 'x' }, 400, 'pricing.bands.B.maxBp'],
			[{ changes: { 'money.commissionMinBp': 2500 }, reason: 'x' }, 400, 'money.commissionMaxBp'],
			[{ changes: { 'live.nope': 1 }, reason: 'x' }, 400, 'live.nope'],
			[{ changes: { live: { lockTtlMinutes: 5 } }, reason: 'x' }, 400, 'live'],
			[{ changes: { 'live.lockTtlMinutes': 45 }, reason: '' }, 400, 'reason'],
			[{ changes: { 'live.lockTtlMinutes': 30 }, reason: 'same' }, 422, 'changes']
		];
		for (const [input, status, field] of cases) {
			const e = await caught(savePolicy(operator, input));
			expect(e.status, JSON.stringify(input)).toBe(status);
			expect(e.field, JSON.stringify(input)).toBe(field);
			expect(e.message).toMatch(/^[a-z_]+\.[a-z_.]+$/); // a catalogue key, never English
		}
		expect(await versions()).toBe(n);
		expect(currentPolicy().live.lockTtlMinutes).toBe(30);
	});

	it('refuses anyone but an operator (403) and a save from a stale form (409)', async () => {
		const n = await versions();
		expect(
			(await caught(savePolicy(host, { changes: { 'live.lockTtlMinutes': 10 }, reason: 'x' })))
				.status
		).toBe(403);
		expect((await caught(policyHistory(host))).status).toBe(403);
		const stale = await caught(
			savePolicy(operator, {
				changes: { 'live.lockTtlMinutes': 10 },
				reason: 'x',
				baseVersion: 0
			})
		);
		expect(stale.status).toBe(409);
		expect(stale.params).toEqual({ version: 1 });
		expect(await versions()).toBe(n);
	});

	it('reaches another node within seconds by NOTIFY', async () => {
		const node2: PolicyCache = createPolicyCache(() => other);
		// a re-read period far beyond the test: only the notification can bring the change
		stops.push(await node2.start({ everyMs: 600_000 }));
		expect(node2.current().live.lockTtlMinutes).toBe(30);
		await savePolicy(operator, { changes: { 'live.lockTtlMinutes': 45 }, reason: 'notify' });
		const ms = await until(() => node2.current().live.lockTtlMinutes === 45, 5_000);
		expect(ms).toBeLessThan(5_000);
		expect(node2.version()).toBe(2);
	});

	it('reaches a node that missed the notification by the periodic re-read', async () => {
		const node3 = createPolicyCache(() => other);
		stops.push(await node3.start({ everyMs: 200, listen: false }));
		expect(node3.current().live.lockTtlMinutes).toBe(45);
		await savePolicy(operator, { changes: { 'orders.returnWindowDays': 10 }, reason: 'poll' });
		await until(() => node3.current().orders.returnWindowDays === 10, 5_000);
	});

	it('is what auth checks: a longer minimum password refuses a sign-up it accepted before', async () => {
		await savePolicy(operator, { changes: { 'auth.passwordMinLength': 12 }, reason: 'security' });
		const e = await caught(
			signUp({
				email: `short-${Date.now()}@test.lotlive.cn`,
				password: 'ninechars',
				displayName: 'x',
				orgName: 'x org',
				role: 'buyer'
			})
		);
		expect(e.field).toBe('password');
		expect(e.params).toMatchObject({ min: 12 });
		await savePolicy(operator, { changes: { 'auth.passwordMinLength': 8 }, reason: 'back' });
	});

	it('keeps a default for a stored override that today’s bounds refuse', () => {
		const p = effectivePolicy({ live: { lockTtlMinutes: 0 }, money: { platformFeeBp: 250 } });
		expect(p.live).toEqual(DEFAULT_POLICY.live);
		expect(p.money.platformFeeBp).toBe(250);
	});
});
