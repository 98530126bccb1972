// Fuzz suite, HTTP API: requests generated from the OpenAPI document (/api/v1/openapi.json) and
// from every API route in src/routes, with hostile values (NUL and other control characters,
// huge and negative numbers, wrong types, far dates, non-uuid ids, unknown keys), sent as
// several roles, an API token and nobody. Every answer is below 500; every refusal is
// `{error:{code,message}}`, naming the field when input is at fault; a refused write leaves
// the database exactly as it was; the server still answers at the end. Seed: FUZZ_SEED.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiToken } from '../../src/lib/server/auth/service';
import { execRows } from '../../src/lib/server/db';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { demoActor } from '../helpers/demo';
import { dbFingerprint } from '../helpers/fingerprint';
import {
	FUZZ_SEED,
	apiRoutes,
	encodePathPart,
	checkRefusal,
	fromSchema,
	hostileJson,
	hostileString,
	resolver
} from '../helpers/fuzz';
import { apiSignIn } from '../helpers/processes';

let app: Awaited<ReturnType<typeof startAppServer>>;
/** Credentials by caller: cookie headers, Bearer tokens, or nothing. */
const callers: Record<string, Record<string, string>> = { nobody: {} };
/** Real ids by the table a path parameter points into. */
const ids: Record<string, string[]> = {};
let doc: Record<string, unknown>;

const ID_TABLES: Record<string, string> = {
	lots: 'lots',
	shows: 'shows',
	orders: 'orders',
	fulfilments: 'fulfilments',
	boards: 'boards',
	tokens: 'api_tokens',
	locks: 'stock_locks',
	payouts: 'ledger_payouts',
	statements: 'orgs',
	viewers: 'users',
	slots: 'show_slots'
};

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	for (const [who, email] of [
		['operator', DEMO_ACCOUNTS.operator],
		['host', DEMO_ACCOUNTS.host],
		['assistant', DEMO_ACCOUNTS.assistant1],
		['supplier', DEMO_ACCOUNTS.supplier1],
		['buyer', DEMO_ACCOUNTS.buyer1]
	] as const) {
		callers[who] = { cookie: await apiSignIn(app.url, email), origin: app.url };
	}
	for (const [who, email] of [
		['hostToken', DEMO_ACCOUNTS.host],
		['supplierToken', DEMO_ACCOUNTS.supplier1]
	] as const) {
		const { actor } = await demoActor(email);
		const { token } = await createApiToken(actor, { name: `fuzz ${who}` });
		callers[who] = { authorization: `Bearer ${token}` };
	}
	for (const [, table] of Object.entries(ID_TABLES)) {
		const rows = await execRows<{ id: string }>(
			sql.raw(`select id::text as id from "${table}" order by id limit 5`)
		);
		ids[table] = rows.map((r) => r.id);
	}
	doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
}, 180_000);
afterAll(() => app?.close());

interface Operation {
	template: string;
	method: string;
	params: string[];
	body?: Record<string, unknown>;
	query: string[];
}

/** Every route and method; the OpenAPI document adds body schemas and query parameter names. */
function operations(): Operation[] {
	const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
	const out: Operation[] = [];
	for (const r of apiRoutes()) {
		// signing out would end the sessions the fuzz uses
		if (r.template === '/api/v1/auth/sign-out') continue;
		const oaPath = r.template.replace(/\[(\w+)\]/g, '{$1}');
		for (const method of r.methods) {
			const op = paths[oaPath]?.[method.toLowerCase()];
			const requestBody = op?.requestBody as
				{ content?: Record<string, { schema?: Record<string, unknown> }> } | undefined;
			const body = requestBody?.content?.['application/json']?.schema;
			const params = [
				...((op?.parameters ?? []) as { name: string; in: string }[]),
				...((paths[oaPath]?.parameters ?? []) as unknown as { name: string; in: string }[])
			];
			out.push({
				template: r.template,
				method,
				params: r.params,
				body,
				query: params.filter((p) => p.in === 'query').map((p) => p.name)
			});
		}
	}
	return out;
}

/** A value for a path parameter: a real id of the right kind, another uuid, or something hostile. */
function paramArb(template: string, name: string): fc.Arbitrary<string> {
	const seg = template.split('/');
	const at = seg.findIndex((s) => s === `[${name}]`);
	const table = ID_TABLES[seg[at - 1] ?? ''] ?? (name === 'lotId' ? 'lots' : undefined);
	const real = table && ids[table]?.length ? fc.constantFrom(...ids[table]!) : fc.uuid();
	return fc.oneof(
		{ arbitrary: real, weight: 4 },
		{ arbitrary: fc.uuid(), weight: 1 },
		{ arbitrary: hostileString, weight: 2 }
	);
}

const COMMON_QUERY = ['q', 'status', 'month', 'from', 'to', 'limit', 'cursor', 'ids', 'teamId'];

it('no API request gets a 5xx, every refusal is {error} and a refused write changes nothing', async () => {
	const ops = operations();
	expect(ops.length).toBeGreaterThan(50);
	const resolve = resolver(doc);
	const request = fc.constantFrom(...ops).chain((op) =>
		fc.record({
			op: fc.constant(op),
			caller: fc.constantFrom(...Object.keys(callers)),
			params: fc.tuple(...op.params.map((p) => paramArb(op.template, p)), fc.constant('')),
			query: fc.dictionary(
				fc.constantFrom(...op.query, ...COMMON_QUERY),
				fc.oneof(fc.string({ maxLength: 12 }), hostileString),
				{ maxKeys: 3 }
			),
			body: op.body
				? fromSchema(op.body, resolve)
				: fc.oneof(hostileJson, fc.dictionary(hostileString, hostileJson, { maxKeys: 4 })),
			raw: fc.option(fc.constantFrom('{', 'null', '"x"', '[1,2]', '\u0000', ''), {
				freq: 8
			}),
			json: fc.oneof(
				{ arbitrary: fc.constant(true), weight: 9 },
				{ arbitrary: fc.constant(false), weight: 1 }
			)
		})
	);
	const failures: string[] = [];
	const statuses: Record<number, number> = {};
	let writes = 0;
	await fc.assert(
		fc.asyncProperty(request, async ({ op, caller, params, query, body, raw, json }) => {
			let path = op.template;
			op.params.forEach((p, i) => {
				path = path.replace(`[${p}]`, encodePathPart(params[i]!));
			});
			const qs = new URLSearchParams(query).toString();
			const url = `${app.url}${path}${qs ? `?${qs}` : ''}`;
			const mutating = op.method !== 'GET';
			const headers: Record<string, string> = { ...callers[caller], 'accept-language': 'en' };
			let payload: string | undefined;
			if (mutating) {
				headers['content-type'] = json ? 'application/json' : 'text/plain';
				payload = raw ?? JSON.stringify(body);
			}
			const before = mutating ? await dbFingerprint() : undefined;
			const r = await fetch(url, { method: op.method, headers, body: payload });
			const text = await r.text();
			statuses[r.status] = (statuses[r.status] ?? 0) + 1;
			let parsed: unknown;
			if ((r.headers.get('content-type') ?? '').includes('json')) {
				try {
					parsed = JSON.parse(text);
				} catch {
					failures.push(`${op.method} ${path}: malformed JSON answer`);
				}
			}
			const what = `${op.method} ${path}${qs ? `?${qs}` : ''} as ${caller} body=${payload?.slice(0, 300)}`;
			const verdict = checkRefusal(what, r.status, parsed);
			if (!verdict.ok) failures.push(verdict.why);
			if (before && r.status >= 400) {
				const after = await dbFingerprint();
				const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
				if (changed.length > 0)
					failures.push(`${what}: refused (${r.status}) but changed ${changed}`);
			} else if (mutating) writes++;
			// every failure is collected (one run shows them all); the test fails below
			return true;
		}),
		{ seed: FUZZ_SEED, numRuns: Number(process.env.FUZZ_RUNS ?? 200) }
	);
	expect(failures, `FUZZ_SEED=${FUZZ_SEED}\n${[...new Set(failures)].join('\n')}`).toEqual([]);
	console.log(`fuzz-api: seed ${FUZZ_SEED}, answers by status`, statuses);
	// still serving
	expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
	expect(writes).toBeGreaterThanOrEqual(0);
}, 240_000);
