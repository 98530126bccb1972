import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOT_API_OPERATIONS } from '../hot-api';
import { openApiDocument } from '../modules';
import { mergeOpenApiParts } from './openapi';

const API_ROOT = path.resolve('src/routes/api/v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every `+server.ts` under src/routes/api/v1 with the HTTP methods it exports. */
function apiRoutes(): { path: string; methods: string[]; file: string }[] {
	const out: { path: string; methods: string[]; file: string }[] = [];
	const walk = (dir: string) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const f = path.join(dir, e.name);
			if (e.isDirectory()) walk(f);
			else if (e.name === '+server.ts') {
				const rel = path.relative(API_ROOT, dir).split(path.sep).filter(Boolean);
				const src = readFileSync(f, 'utf8');
				const methods = METHODS.filter((m) =>
					new RegExp(`export\\s+(const|async\\s+function|function)\\s+${m}\\b`).test(src)
				);
				out.push({
					// [id] → {id}; route groups (x) are not part of the URL
					path: ['/api/v1', ...rel.filter((s) => !/^\(.*\)$/.test(s))]
						.join('/')
						.replace(/\[(?:\.\.\.)?(\w+)\]/g, '{$1}'),
					methods,
					file: path.relative(process.cwd(), f)
				});
			}
		}
	};
	walk(API_ROOT);
	return out;
}

const doc = openApiDocument('http://localhost');
const paths = doc.paths as Record<string, Record<string, unknown>>;

describe('openapi.json', () => {
	it('finds the API routes it checks', () => {
		const routes = apiRoutes();
		expect(routes.length).toBeGreaterThan(40);
		expect(routes.every((r) => r.methods.length > 0)).toBe(true);
	});

	it('documents every route under /api/v1 and every method it exports', () => {
		const missing = apiRoutes().flatMap((r) =>
			r.methods
				.filter((m) => !paths[r.path]?.[m.toLowerCase()])
				.map((m) => `${m} ${r.path} (${r.file})`)
		);
		expect(missing).toEqual([]);
	});

	it('documents the hot paths the lean server answers before SvelteKit', () => {
		expect(HOT_API_OPERATIONS.length).toBeGreaterThan(0);
		for (const op of HOT_API_OPERATIONS) {
			// the path named for OpenAPI is the one the pattern matches
			expect(op.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')).toMatch(
				op.pattern
			);
			expect(paths[op.path]?.[op.method.toLowerCase()], `${op.method} ${op.path}`).toBeTruthy();
		}
	});

	it('documents no path that is not a route', () => {
		const routes = new Set(apiRoutes().map((r) => r.path));
		expect(Object.keys(paths).filter((p) => !routes.has(p))).toEqual([]);
	});

	it('resolves every $ref to a schema it defines', () => {
		const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
		const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
		expect(refs.length).toBeGreaterThan(10);
		expect(refs.map((m) => m[1]).filter((n) => !schemas[n!])).toEqual([]);
	});

	it('gives every path parameter of a templated path a definition', () => {
		const bad: string[] = [];
		for (const [p, item] of Object.entries(paths)) {
			const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
			for (const [method, op] of Object.entries(item)) {
				if (method === 'parameters') continue;
				const params = [
					...((item.parameters ?? []) as { name: string; in: string }[]),
					...(((op as { parameters?: unknown[] }).parameters ?? []) as {
						name: string;
						in: string;
					}[])
				];
				for (const n of names)
					if (!params.some((x) => x.in === 'path' && x.name === n))
						bad.push(`${method} ${p} {${n}}`);
			}
		}
		expect(bad).toEqual([]);
	});
});

describe('mergeOpenApiParts', () => {
	const op = { summary: 'x', responses: {} };
	it('merges methods of one path from two parts', () => {
		const m = mergeOpenApiParts({
			a: { schemas: { A: {} }, paths: { '/p': { get: op } } },
			b: { schemas: { B: {} }, paths: { '/p': { post: op } } }
		});
		expect(Object.keys(m.paths['/p'] as object).sort()).toEqual(['get', 'post']);
		expect(Object.keys(m.schemas).sort()).toEqual(['A', 'B']);
	});
	it('refuses a method or schema claimed twice', () => {
		expect(() =>
			mergeOpenApiParts({
				a: { schemas: {}, paths: { '/p': { get: op } } },
				b: { schemas: {}, paths: { '/p': { get: op } } }
			})
		).toThrow(/GET \/p/);
		expect(() =>
			mergeOpenApiParts({
				a: { schemas: { S: {} }, paths: {} },
				b: { schemas: { S: {} }, paths: {} }
			})
		).toThrow(/schema S/);
	});
});
