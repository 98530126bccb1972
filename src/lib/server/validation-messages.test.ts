import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isMessageKey, translate } from '$lib/i18n';
import { AppError, parse } from './errors';
import { zodIssueKey } from './zod-messages';

// Every validation message a request can get is a catalogue key with a Chinese text. This walks
// every zod schema the server's modules export, feeds each field hostile values, and checks what
// comes back; a source scan catches literal messages in refinements the walk cannot reach.

const modules = {
	...import.meta.glob('./*/schemas.ts', { eager: true }),
	...import.meta.glob(
		[
			'./live/shows.ts',
			'./live/locks.ts',
			'./ledger/payouts.ts',
			'./ledger/service.ts',
			'./orders/freight.ts',
			'./realtime/stock.ts',
			'./catalog/import.ts'
		],
		{ eager: true }
	)
} as Record<string, Record<string, unknown>>;

const schemas: [string, z.ZodType][] = Object.entries(modules).flatMap(([file, mod]) =>
	Object.entries(mod)
		.filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType)
		.map(([name, s]) => [`${file}#${name}`, s] as [string, z.ZodType])
);

const PRIMITIVES: unknown[] = [
	undefined,
	null,
	'',
	'   ',
	'x'.repeat(5000),
	'not-an-id',
	'+86 abc',
	-1,
	0,
	1.5,
	1e12,
	Number.NaN,
	true,
	{},
	[],
	'2026-13-45T99:99'
];

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Hostile values for a schema: primitives, plus each field/element of a structure set to one. */
function hostile(schema: z.ZodType, depth = 0): unknown[] {
	const def = defOf(schema);
	const inner = (k: string) => def[k] as z.ZodType;
	switch (def.type) {
		case 'optional':
		case 'nullable':
		case 'default':
		case 'prefault':
		case 'readonly':
		case 'catch':
			return hostile(inner('innerType'), depth);
		case 'pipe':
			return [...hostile(inner('in'), depth), ...hostile(inner('out'), depth)];
		case 'union':
			return (def.options as z.ZodType[]).flatMap((o) => hostile(o, depth));
		case 'enum':
			return [...PRIMITIVES, 'nope', ...Object.values(def.entries as object)];
		case 'object': {
			if (depth > 3) return PRIMITIVES;
			const shape = def.shape as Record<string, z.ZodType>;
			const out: unknown[] = [...PRIMITIVES, { unknownKey: 1 }];
			for (const [k, s] of Object.entries(shape))
				for (const v of hostile(s, depth + 1)) out.push({ [k]: v });
			return out;
		}
		case 'array':
			if (depth > 3) return PRIMITIVES;
			return [
				...PRIMITIVES,
				Array.from({ length: 600 }, () => ({})),
				...hostile(inner('element'), depth + 1).map((v) => [v])
			];
		case 'record':
			if (depth > 3) return PRIMITIVES;
			return [
				...PRIMITIVES,
				Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 1])),
				...hostile(inner('valueType'), depth + 1).map((v) => ({ ['x'.repeat(50)]: v, M: v }))
			];
		default:
			return PRIMITIVES;
	}
}

const CJK = /[\u4e00-\u9fff]/;
const zhOf = (m: string, p?: Record<string, string | number>) =>
	isMessageKey(m) ? translate('zh-CN', m, p) : m;

describe('validation messages', () => {
	it('finds the schemas', () => {
		expect(schemas.length).toBeGreaterThan(30);
		expect(schemas.map(([n]) => n)).toContain('./orders/schemas.ts#ShipToInput');
	});

	it.each(schemas)('%s: every message is a catalogue key with a Chinese text', (_name, schema) => {
		let failures = 0;
		for (const value of hostile(schema)) {
			let error: AppError | undefined;
			try {
				parse(schema, value);
			} catch (e) {
				if (!(e instanceof AppError)) throw e;
				error = e;
			}
			if (!error) continue;
			failures++;
			const all = error.issues ?? [{ field: error.field ?? '', message: error.message }];
			for (const i of all) expect(isMessageKey(i.message), `${i.field}: ${i.message}`).toBe(true);
			const body = error.toJSON(zhOf).error as {
				message: string;
				issues?: { message: string }[];
			};
			for (const text of [body.message, ...(body.issues ?? []).map((i) => i.message)]) {
				expect(text, text).toMatch(CJK);
				expect(text, `unfilled placeholder in ${text}`).not.toMatch(/\{\w+\}/);
			}
		}
		expect(failures, 'no hostile value was refused').toBeGreaterThan(0);
	});

	it('maps every zod issue code to a key that exists in both languages', () => {
		const codes: z.core.$ZodRawIssue[] = [
			{ code: 'invalid_type', expected: 'string', input: undefined },
			{ code: 'invalid_type', expected: 'string', input: 3 },
			...(['string', 'number', 'array', 'date'] as const).flatMap((origin) => [
				{ code: 'too_small' as const, origin, minimum: 2, input: '' },
				{ code: 'too_small' as const, origin, minimum: 0, inclusive: false, input: '' },
				{ code: 'too_big' as const, origin, maximum: 2, input: '' },
				{ code: 'too_big' as const, origin, maximum: 2, inclusive: false, input: '' }
			]),
			...['uuid', 'email', 'url', 'datetime', 'regex', 'ipv4'].map((format) => ({
				code: 'invalid_format' as const,
				format,
				input: ''
			})),
			{ code: 'not_multiple_of', divisor: 5, input: 3 },
			{ code: 'unrecognized_keys', keys: ['x'], input: {} },
			{ code: 'invalid_value', values: ['a'], input: 'b' },
			{ code: 'invalid_union', errors: [], input: 1 },
			{ code: 'invalid_key', origin: 'record', issues: [], input: 1 },
			{ code: 'invalid_element', origin: 'map', key: 1, issues: [], input: 1 },
			{ code: 'custom', input: 1 }
		] as z.core.$ZodRawIssue[];
		for (const issue of codes) {
			const key = zodIssueKey(issue);
			expect(isMessageKey(key), `${issue.code} → ${key}`).toBe(true);
		}
	});

	it('has no literal message in server code (zod schemas, thrown errors) that is not a catalogue key', () => {
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const f of readdirSync(dir)) {
				const p = join(dir, f);
				if (statSync(p).isDirectory()) walk(p);
				else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
			}
		};
		walk(join(process.cwd(), 'src/lib/server'));
		// A 500's text and the process environment's check at start are not validation messages.
		const allowed = new Set(['Internal error.']);
		const found: string[] = [];
		for (const file of files) {
			if (file.endsWith('/env.ts')) continue;
			const src = readFileSync(file, 'utf8');
			const literals = [
				// zod messages: { error: '…' }, { message: '…' }
				/\b(?:error|message)\s*:\s*(['`])((?:[^'`\\]|\\.)*)\1/g,
				// what services throw: new AppError(kind, code, '…'), invalid(field, '…'), forbidden('…')
				/(?:new AppError\(\s*'[a-z_]+',\s*'[a-z_]+',\s*|\binvalid\(\s*'[^']*',\s*|\bforbidden\(\s*|\bunauthenticated\(\s*)(['`])((?:[^'`\\]|\\.)*)\1/g
			];
			for (const re of literals)
				for (const m of src.matchAll(re)) {
					const text = m[2]!;
					if (!isMessageKey(text) && !allowed.has(text)) found.push(`${file}: ${text}`);
				}
		}
		expect(found).toEqual([]);
	});
});
