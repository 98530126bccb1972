// The SQL-level check of "one writer per fact": no code outside src/lib/server/stock/ writes a
// lot's counters (on_hand, locked, allocated, stock_version), stock_locks or lock_events, in
// raw SQL or through drizzle. (Module imports are checked by the dependency rules.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const STOCK = path.join('src', 'lib', 'server', 'stock');

/** The stock writes a piece of source contains, as short descriptions. */
export function stockWrites(source: string): string[] {
	const found: string[] = [];
	const text = source.replace(/\s+/g, ' ');
	// Raw SQL on the stock tables.
	for (const m of text.matchAll(
		/\b(insert into|update|delete from) (stock_locks|lock_events)\b/gi
	)) {
		found.push(`${m[1]} ${m[2]}`.toLowerCase());
	}
	// Raw SQL setting a lot counter: `update lots … set … on_hand = …` up to its where/returning.
	for (const m of text.matchAll(/\bupdate lots\b( \w+)? set (.*?)(\bwhere\b|\breturning\b|`)/gi)) {
		const set = m[2]!;
		const col = /\b(on_hand|locked|allocated|stock_version)\s*=/i.exec(set);
		if (col) found.push(`update lots set ${col[1]!.toLowerCase()}`);
	}
	// drizzle on the stock tables.
	for (const m of text.matchAll(/\.(insert|update|delete)\((stockLocks|lockEvents)\)/g)) {
		found.push(`.${m[1]}(${m[2]})`);
	}
	// drizzle setting a lot counter: `.update(lots).set({ … onHand: … })`.
	for (const m of text.matchAll(/\.update\(lots\)\s*\.set\((.*?)\)\s*\.(where|returning)\(/g)) {
		const col = /\b(onHand|locked|allocated|stockVersion)\s*:/.exec(m[1]!);
		if (col) found.push(`.update(lots).set(${col[1]})`);
	}
	return found;
}

function sources(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(path.join(ROOT, dir))) {
		const rel = path.join(dir, name);
		if (statSync(path.join(ROOT, rel)).isDirectory()) {
			if (rel !== STOCK) sources(rel, out);
		} else if (/\.(ts|js|svelte)$/.test(name) && !name.endsWith('.test.ts')) {
			out.push(rel);
		}
	}
	return out;
}

describe('stock writers', () => {
	it('recognises every shape of stock write it looks for', () => {
		expect(stockWrites('sql`insert into lock_events (lock_id) values (1)`')).toEqual([
			'insert into lock_events'
		]);
		expect(stockWrites('update stock_locks s set quantity = 0')).toEqual(['update stock_locks']);
		expect(stockWrites('DELETE FROM stock_locks where x')).toEqual(['delete from stock_locks']);
		expect(
			stockWrites('sql`update lots l set locked = l.locked - 1,\n allocated = 2 where l.id = 1`')
		).toEqual(['update lots set locked']);
		expect(stockWrites('sql`update lots set status = 1 where id = 2`')).toEqual([]);
		expect(stockWrites('await tx.insert(lockEvents).values({})')).toEqual(['.insert(lockEvents)']);
		expect(
			stockWrites(
				'tx\n\t.update(lots)\n\t.set({ title: t, onHand: sql`${lots.onHand} + 1` })\n\t.where(eq(lots.id, id))'
			)
		).toEqual(['.update(lots).set(onHand)']);
		expect(
			stockWrites('tx.update(lots).set({ status: "blocked" }).where(eq(lots.id, id))')
		).toEqual([]);
	});

	it('finds none outside src/lib/server/stock/', () => {
		const files = sources('src');
		expect(files.length).toBeGreaterThan(100);
		const writes = files.flatMap((f) =>
			stockWrites(readFileSync(path.join(ROOT, f), 'utf8')).map((w) => `${f}: ${w}`)
		);
		expect(writes).toEqual([]);
	});

	it('finds the writes of the stock module itself', () => {
		const own = readdirSync(path.join(ROOT, STOCK))
			.filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
			.flatMap((n) => stockWrites(readFileSync(path.join(ROOT, STOCK, n), 'utf8')));
		for (const w of [
			'insert into stock_locks',
			'insert into lock_events',
			'update stock_locks',
			'update lots set locked',
			'update lots set on_hand'
		]) {
			expect(own).toContain(w);
		}
	});
});
