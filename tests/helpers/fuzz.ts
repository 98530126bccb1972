// Building blocks of the fuzz suite (tests/integration/fuzz-*.test.ts): hostile values, values
// generated from the OpenAPI document's JSON Schemas, the routes and form actions found in
// src/routes, and the checks every answer must pass.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The suite's seed: FUZZ_SEED, else fixed; printed by fast-check with any failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** Strings that broke things before, or might. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'\u0000',
		'a\u0000b',
		'\u0007',
		'\u0085',
		'\u202e',
		'\ud800',
		'%E0%A4%A',
		'%00',
		'../../etc/passwd',
		"' or 1=1 --",
		'<script>alert(1)</script>',
		'0001-01-01',
		'0000-01',
		'+275760-09-13T00:00:00Z',
		'9999-12-31T23:59:59Z',
		'1970-01-01T00:00:00Z',
		'2026-11-26T12:00:00+08:00',
		'2026-02-30',
		'NaN',
		'Infinity',
		'-1',
		'1e309',
		'true',
		'null',
		'00000000-0000-0000-0000-000000000000',
		'11111111-1111-4111-8111-111111111111',
		'not-a-uuid',
		'尾货清仓',
		'x'.repeat(5000)
	),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 20 })
);

/**
 * A path segment as a hostile client sends it: percent-encoded, with a lone surrogate (which
 * `encodeURIComponent` refuses to encode) sent as its raw WTF-8 bytes, invalid UTF-8 for the
 * server to refuse cleanly.
 */
export function encodePathPart(s: string): string {
	let out = '';
	for (const ch of s) {
		const c = ch.codePointAt(0)!;
		out +=
			c >= 0xd800 && c <= 0xdfff
				? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
						.map((b) => `%${b.toString(16).toUpperCase()}`)
						.join('')
				: encodeURIComponent(ch);
	}
	return out;
}

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
	fc.constantFrom(
		0,
		-1,
		1,
		0.5,
		-0,
		2 ** 31,
		2 ** 53,
		-(2 ** 53),
		Number.MAX_VALUE,
		1e308,
		-1e308,
		Number.MIN_VALUE
	),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true })
);

function hostileKeyArb(): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom('__proto__', 'constructor', 'unknownKey', 'a\u0000', ''),
		fc.string({ maxLength: 12 })
	);
}
const hostileKey = hostileKeyArb();

/** Any JSON value, with hostile leaves. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		hostileString,
		hostileNumber,
		fc.boolean(),
		fc.constant(null),
		fc.array(tie('value'), { maxLength: 4 }),
		fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 })
	)
})).value;

type Schema = Record<string, unknown>;

/** Resolves `#/components/schemas/X` references in the OpenAPI document. */
export function resolver(doc: Schema) {
	return (s: Schema | undefined): Schema | undefined => {
		let cur = s;
		for (let i = 0; i < 10 && cur && typeof cur.$ref === 'string'; i++) {
			const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
			let node: unknown = doc;
			for (const p of parts) node = (node as Schema | undefined)?.[p];
			cur = node as Schema | undefined;
		}
		return cur;
	};
}

/**
 * Values for a JSON Schema: mostly valid-looking (so requests reach deep into the services),
 * with hostile values mixed in at every level, missing required keys and unknown keys.
 */
export function fromSchema(
	schema: Schema | undefined,
	resolve: (s: Schema | undefined) => Schema | undefined,
	depth = 0
): fc.Arbitrary<unknown> {
	const s = resolve(schema);
	if (!s || depth > 5) return hostileJson;
	const hostile = depth > 3 ? hostileString : hostileJson;
	const typed = (() => {
		if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
		if (s.const !== undefined) return fc.constant(s.const);
		for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
			const alts = s[k];
			if (Array.isArray(alts) && alts.length > 0) {
				if (k === 'allOf') {
					return fc
						.tuple(...alts.map((a) => fromSchema(a as Schema, resolve, depth + 1)))
						.map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
				}
				return fc.oneof(...alts.map((a) => fromSchema(a as Schema, resolve, depth + 1)));
			}
		}
		const type = Array.isArray(s.type) ? s.type[0] : s.type;
		switch (type) {
			case 'object': {
				const props = (s.properties ?? {}) as Record<string, Schema>;
				const required = new Set((s.required ?? []) as string[]);
				const keys = Object.keys(props);
				const entries = keys.map((k) =>
					fc
						.option(fromSchema(props[k], resolve, depth + 1), {
							freq: required.has(k) ? 12 : 2,
							nil: undefined
						})
						.map((v) => [k, v] as const)
				);
				return fc
					.tuple(
						fc.tuple(...entries),
						fc.option(fc.tuple(hostileKey, hostileJson), { freq: 6, nil: undefined })
					)
					.map(([kv, extra]) => {
						const o: Record<string, unknown> = {};
						for (const [k, v] of kv) if (v !== undefined) o[k] = v;
						if (extra) o[extra[0]] = extra[1];
						return o;
					});
			}
			case 'array':
				return fc.array(fromSchema(s.items as Schema, resolve, depth + 1), { maxLength: 3 });
			case 'integer':
				return fc.oneof(fc.integer({ min: -10, max: 2000 }), hostileNumber);
			case 'number':
				return hostileNumber;
			case 'boolean':
				return fc.boolean();
			case 'string':
				if (s.format === 'uuid') return fc.uuid();
				if (s.format === 'date-time')
					return fc.constantFrom('2026-11-26T12:00:00+08:00', '2026-11-26T04:00:00Z');
				return fc.oneof(fc.string({ maxLength: 20 }), hostileString);
			default:
				return hostileJson;
		}
	})();
	return fc.oneof({ arbitrary: typed, weight: 5 }, { arbitrary: hostile, weight: 1 });
}

export interface RouteInfo {
	/** e.g. /api/v1/shows/[id]/slots/[slotId] */
	template: string;
	params: string[];
	methods: string[];
}

function walk(dir: string, file: string, out: string[]) {
	for (const name of readdirSync(dir)) {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) walk(p, file, out);
		else if (name === file) out.push(p);
	}
}

/** Every SvelteKit API route under src/routes/api with the methods it exports. */
export function apiRoutes(): RouteInfo[] {
	const files: string[] = [];
	walk(path.join(ROOT, 'src/routes/api'), '+server.ts', files);
	return files.map((f) => {
		const rel = path.relative(path.join(ROOT, 'src/routes'), path.dirname(f));
		const template = '/' + rel.split(path.sep).join('/');
		const src = readFileSync(f, 'utf8');
		const methods = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
			(m) => m[1]!
		);
		const params = [...template.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1]!);
		return { template, params, methods };
	});
}

export interface FormAction {
	/** The page's path template (route groups removed), e.g. /console/boards/[id] */
	template: string;
	params: string[];
	action: string;
	/** Field names the page's markup posts. */
	fields: string[];
}

/** Every form action of every page, with the field names found in its markup. */
export function formActions(): FormAction[] {
	const files: string[] = [];
	walk(path.join(ROOT, 'src/routes'), '+page.server.ts', files);
	const out: FormAction[] = [];
	for (const f of files) {
		const src = readFileSync(f, 'utf8');
		const i = src.indexOf('export const actions');
		if (i < 0) continue;
		const body = src.slice(i);
		const names = new Set<string>();
		for (const m of body.matchAll(/^\t(\w+): /gm)) names.add(m[1]!);
		for (const m of body.matchAll(/^\tasync (\w+)\(/gm)) names.add(m[1]!);
		if (names.size === 0 || /actions[^=]*=\s*\{\s*default:/.test(body)) names.add('default');
		const rel = path.relative(path.join(ROOT, 'src/routes'), path.dirname(f));
		const template =
			'/' +
			rel
				.split(path.sep)
				.filter((p) => !/^\(.*\)$/.test(p))
				.join('/');
		const params = [...template.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1]!);
		const markupFiles = [path.join(path.dirname(f), '+page.svelte')];
		const fields = new Set<string>();
		for (const mf of markupFiles) {
			try {
				const markup = readFileSync(mf, 'utf8');
				for (const m of markup.matchAll(/name="(\w+)"/g)) fields.add(m[1]!);
			} catch {
				/* no markup */
			}
		}
		for (const action of names) {
			out.push({ template, params, action, fields: [...fields] });
		}
	}
	return out;
}

/** Every page (a +page.svelte) with its path template, route groups removed. */
export function pages(): { template: string; params: string[] }[] {
	const files: string[] = [];
	walk(path.join(ROOT, 'src/routes'), '+page.svelte', files);
	return files.map((f) => {
		const rel = path.relative(path.join(ROOT, 'src/routes'), path.dirname(f));
		const template =
			'/' +
			rel
				.split(path.sep)
				.filter((p) => p && !/^\(.*\)$/.test(p))
				.join('/');
		return { template, params: [...template.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1]!) };
	});
}

/** What every answer must be: no 5xx; a refusal is `{error:{code,message}}` (JSON answers). */
export function checkRefusal(
	what: string,
	status: number,
	body: unknown
): { ok: true } | { ok: false; why: string } {
	if (status >= 500) return { ok: false, why: `${what}: status ${status} ${JSON.stringify(body)}` };
	if (status < 400 || body === undefined) return { ok: true };
	const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } })?.error;
	if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') {
		return {
			ok: false,
			why: `${what}: ${status} without {error:{code,message}}: ${JSON.stringify(body)}`
		};
	}
	if (status === 400 && e.code === 'invalid_input' && typeof e.field !== 'string') {
		return {
			ok: false,
			why: `${what}: 400 invalid_input without a field: ${JSON.stringify(body)}`
		};
	}
	return { ok: true };
}
