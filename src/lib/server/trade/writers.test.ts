// "One writer per table" for trade: no code outside src/lib/server/trade/ writes a trade_* table,
// in raw SQL or through drizzle (the demo seed goes through the trade services too).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const TRADE = path.join('src', 'lib', 'server', 'trade');

/** The trade-table writes a piece of source contains, as short descriptions. */
export function tradeWrites(source: string): string[] {
	const found: string[] = [];
	const text = source.replace(/\s+/g, ' ');
	for (const m of text.matchAll(/\b(insert into|update|delete from) (trade_[a-z_]+)\b/gi)) {
		found.push(`${m[1]} ${m[2]}`.toLowerCase());
	}
	for (const m of text.matchAll(/\.(insert|update|delete)\((trade[A-Z][A-Za-z]*)\)/g)) {
		found.push(`.${m[1]}(${m[2]})`);
	}
	return found;
}

function sources(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(path.join(ROOT, dir))) {
		const rel = path.join(dir, name);
		if (statSync(path.join(ROOT, rel)).isDirectory()) {
			if (rel !== TRADE) sources(rel, out);
		} else if (/\.(ts|js|svelte)$/.test(name) && !name.endsWith('.test.ts')) {
			out.push(rel);
		}
	}
	return out;
}

describe('trade writers', () => {
	it('recognises every shape of trade write it looks for', () => {
		expect(tradeWrites('sql`insert into trade_orders (id) values (1)`')).toEqual([
			'insert into trade_orders'
		]);
		expect(tradeWrites('UPDATE trade_cart_lines set quantity = 2')).toEqual([
			'update trade_cart_lines'
		]);
		expect(tradeWrites('delete from trade_parcels where x')).toEqual(['delete from trade_parcels']);
		expect(tradeWrites('await tx.insert(tradeOrders).values({})')).toEqual([
			'.insert(tradeOrders)'
		]);
		expect(tradeWrites('tx.update(tradeLotTerms).set({ step: 2 })')).toEqual([
			'.update(tradeLotTerms)'
		]);
		expect(tradeWrites('select * from trade_orders')).toEqual([]);
		expect(tradeWrites('tx.update(lots).set({ status: "blocked" })')).toEqual([]);
	});

	it('finds none outside src/lib/server/trade/', () => {
		const files = sources('src');
		expect(files.length).toBeGreaterThan(100);
		const writes = files.flatMap((f) =>
			tradeWrites(readFileSync(path.join(ROOT, f), 'utf8')).map((w) => `${f}: ${w}`)
		);
		expect(writes).toEqual([]);
	});
});
