// Fuzz suite, form actions: every action of every page (found in src/routes/**/+page.server.ts),
// posted with the field names its markup uses plus every field name of the shared components,
// filled with hostile values, as several roles. No answer is a 5xx or an `error` result; a
// failure carries {error:{code,message}} with a field when input is at fault; a failed action
// writes nothing. Seed: FUZZ_SEED.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import * as devalue from 'devalue';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execRows } from '../../src/lib/server/db';
import { seedDemoIfEmpty, DEMO_ACCOUNTS } from '../../src/lib/server/seed/demo';
import { startAppServer } from '../helpers/app-server';
import { dbFingerprint } from '../helpers/fingerprint';
import {
	FUZZ_SEED,
	ROOT,
	encodePathPart,
	formActions,
	hostileString,
	pages
} from '../helpers/fuzz';
import { apiSignIn } from '../helpers/processes';

let app: Awaited<ReturnType<typeof startAppServer>>;
const callers: Record<string, Record<string, string>> = { nobody: {} };
const ids: Record<string, string[]> = {};

const PAGE_TABLES: Record<string, string> = {
	'/catalog/lots/[id]': 'lots',
	'/supplier/lots/[id]': 'lots',
	'/console/boards/[id]': 'boards',
	'/console/shows/[id]/orders': 'shows',
	// The demo buyers' trade orders, one in every state: the order pages' actions (pay, cancel,
	// arrive, inspect, accept; accept, pack, ship) meet real orders, not only the 404 path.
	'/buyer/orders/[id]': 'trade_orders',
	'/buyer/orders/[id]/inspection': 'trade_orders',
	'/supplier/trade/[id]': 'trade_orders',
	// The demo's escalated dispute: the ruling form meets a dispute that can be ruled on.
	'/admin/disputes/[id]': 'trade_disputes'
};

/** Field names the shared components post (lot form, ship-to fields, …). */
function componentFields(): string[] {
	const dir = path.join(ROOT, 'src/lib/components');
	const names = new Set<string>();
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name.endsWith('.svelte')) {
				for (const m of readFileSync(p, 'utf8').matchAll(/name="(\w+)"/g)) names.add(m[1]!);
			}
		}
	};
	walk(dir);
	return [...names];
}

beforeAll(async () => {
	await seedDemoIfEmpty();
	app = await startAppServer();
	for (const [who, email] of [
		['operator', DEMO_ACCOUNTS.operator],
		['host', DEMO_ACCOUNTS.host],
		['supplier', DEMO_ACCOUNTS.supplier1],
		['buyer', DEMO_ACCOUNTS.buyer1]
	] as const) {
		callers[who] = { cookie: await apiSignIn(app.url, email) };
	}
	for (const table of new Set(Object.values(PAGE_TABLES))) {
		const rows = await execRows<{ id: string }>(
			sql.raw(`select id::text as id from "${table}" order by id limit 5`)
		);
		ids[table] = rows.map((r) => r.id);
	}
}, 180_000);
afterAll(() => app?.close());

it('no form action answers 5xx; failures are {error} and write nothing', async () => {
	// signing out would end the sessions the fuzz uses
	const actions = formActions().filter((a) => a.template !== '/sign-out');
	expect(actions.length).toBeGreaterThan(20);
	const shared = componentFields();
	const value = fc.oneof(
		{ arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
		{ arbitrary: hostileString, weight: 3 },
		{ arbitrary: fc.uuid(), weight: 1 },
		{ arbitrary: fc.integer({ min: -5, max: 100_000 }).map(String), weight: 1 }
	);
	const submission = fc.constantFrom(...actions).chain((a) =>
		fc.record({
			a: fc.constant(a),
			caller: fc.constantFrom(...Object.keys(callers)),
			param: fc.oneof(
				{
					arbitrary: fc.constantFrom(...(ids[PAGE_TABLES[a.template] ?? ''] ?? ['x'])),
					weight: 4
				},
				{ arbitrary: hostileString, weight: 1 }
			),
			fields: fc.dictionary(fc.constantFrom(...a.fields, ...shared, 'unknownField'), value, {
				maxKeys: 8
			}),
			multipart: fc.boolean()
		})
	);
	const failures: string[] = [];
	const outcomes: Record<string, number> = {};
	await fc.assert(
		fc.asyncProperty(submission, async ({ a, caller, param, fields, multipart }) => {
			let p = a.template;
			for (const name of a.params) p = p.replace(`[${name}]`, encodePathPart(param));
			// a default action is posted to the page itself (`?/default` is refused by SvelteKit)
			const url = `${app.url}${p}${a.action === 'default' ? '' : `?/${a.action}`}`;
			const headers: Record<string, string> = {
				...callers[caller],
				origin: app.url,
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			};
			let body: FormData | URLSearchParams;
			if (multipart) {
				body = new FormData();
				for (const [k, v] of Object.entries(fields)) body.append(k, v);
			} else body = new URLSearchParams(fields);
			const what = `${p}?/${a.action} as ${caller} ${JSON.stringify(fields).slice(0, 300)}`;
			const before = await dbFingerprint();
			const r = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
			const text = await r.text();
			let result: { type?: string; status?: number; data?: string } = {};
			try {
				result = JSON.parse(text) as typeof result;
			} catch {
				/* an HTML answer (error page of a refused path) */
			}
			const kind = `${r.status}:${result.type ?? 'html'}`;
			outcomes[kind] = (outcomes[kind] ?? 0) + 1;
			if (r.status >= 500 || (result.status ?? 0) >= 500) {
				failures.push(`${what}: ${r.status} ${text.slice(0, 300)}`);
			}
			if (result.type === 'failure') {
				const data = devalue.parse(result.data ?? 'null') as {
					error?: { code?: unknown; message?: unknown; field?: unknown };
				} | null;
				const e = data?.error;
				if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') {
					failures.push(`${what}: failure without {error:{code,message}}: ${JSON.stringify(data)}`);
				} else if (e.code === 'invalid_input' && typeof e.field !== 'string') {
					failures.push(`${what}: invalid_input without a field: ${JSON.stringify(data)}`);
				}
			}
			if (result.type !== 'success' && result.type !== 'redirect') {
				const after = await dbFingerprint();
				const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
				if (changed.length) failures.push(`${what}: refused (${kind}) but changed ${changed}`);
			}
			return true;
		}),
		{ seed: FUZZ_SEED, numRuns: Number(process.env.FUZZ_FORM_RUNS ?? 100) }
	);
	console.log(`fuzz-forms: seed ${FUZZ_SEED}, outcomes`, outcomes);
	expect(failures, `FUZZ_SEED=${FUZZ_SEED}\n${[...new Set(failures)].join('\n')}`).toEqual([]);
	expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
}, 240_000);

it('no page load answers 5xx, whatever its query string and path', async () => {
	const all = pages();
	expect(all.length).toBeGreaterThan(15);
	const failures: string[] = [];
	await fc.assert(
		fc.asyncProperty(
			fc.constantFrom(...all),
			fc.constantFrom(...Object.keys(callers)),
			fc.oneof(
				{ arbitrary: fc.constantFrom(...Object.values(ids).flat()), weight: 3 },
				{ arbitrary: hostileString, weight: 1 }
			),
			fc.dictionary(
				fc.constantFrom(
					'q',
					'status',
					'month',
					'from',
					'to',
					'grade',
					'sort',
					'next',
					'kind',
					'ids',
					'cursor',
					'priceMin',
					'template',
					'page'
				),
				hostileString,
				{ maxKeys: 3 }
			),
			async (page, caller, param, query) => {
				let p = page.template;
				for (const name of page.params) p = p.replace(`[${name}]`, encodePathPart(param));
				const qs = new URLSearchParams(query).toString();
				const r = await fetch(`${app.url}${p}${qs ? `?${qs}` : ''}`, {
					headers: { ...callers[caller], accept: 'text/html' },
					redirect: 'manual'
				});
				await r.arrayBuffer();
				if (r.status >= 500) failures.push(`GET ${p}?${qs} as ${caller}: ${r.status}`);
				return true;
			}
		),
		{ seed: FUZZ_SEED, numRuns: Number(process.env.FUZZ_PAGE_RUNS ?? 60) }
	);
	expect(failures, `FUZZ_SEED=${FUZZ_SEED}\n${[...new Set(failures)].join('\n')}`).toEqual([]);
}, 240_000);
