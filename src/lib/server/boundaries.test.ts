// One writer per fact: only a table's owning module writes it. dependency-cruiser (npm run
// check:deps) keeps other modules from importing the ledger's tables at all, but cannot tell a
// read from a write, nor see table names inside SQL text; this test reads the source for writes:
// drizzle's .insert/.update/.delete(table) and SQL's insert into / update / delete from (also
// through ${table} interpolation), in every server file outside the owner.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { getTableName, isTable } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as ledgerSchema from './db/schema/ledger';
import * as liveSchema from './db/schema/live';
import * as tradeSchema from './db/schema/trade';
import * as uploadsSchema from './db/schema/uploads';

const root = path.resolve(import.meta.dirname, '../../..');

interface Owned {
	/** What the tables hold. */
	fact: string;
	/** drizzle export name → SQL name. */
	tables: Map<string, string>;
	/** Paths (relative to the repository, '/'-separated) allowed to write them: prefixes. */
	writers: string[];
}

function tablesOf(mod: Record<string, unknown>, only?: string[]): Map<string, string> {
	const out = new Map<string, string>();
	for (const [name, value] of Object.entries(mod)) {
		if (!isTable(value)) continue;
		if (only && !only.includes(name)) continue;
		out.set(name, getTableName(value));
	}
	return out;
}

const OWNED: Owned[] = [
	{
		fact: 'money (double-entry ledger)',
		tables: tablesOf(ledgerSchema),
		writers: ['src/lib/server/ledger/']
	},
	{
		fact: 'stock locks and their history',
		tables: tablesOf(liveSchema, ['stockLocks', 'lockEvents']),
		// The stock module alone (stock/writers.test.ts checks the lots' counters the same way);
		// the benchmark's naive baseline path writes them on purpose and never runs in the server.
		writers: ['src/lib/server/stock/', 'bench/lib/naive-locks.ts']
	},
	{
		fact: 'resumable uploads (offsets and parts)',
		tables: tablesOf(uploadsSchema),
		writers: ['src/lib/server/uploads/']
	},
	{
		fact: 'wholesale trade (carts, orders, parcels, inspections, payments, samples, disputes, credit)',
		tables: tablesOf(tradeSchema),
		// The demo seed and the benches go through the trade services too.
		writers: ['src/lib/server/trade/']
	}
];

/** Where server code lives (tests and migrations may write what they like). */
const SCANNED = ['src', 'server', 'scripts', 'bench'];

function files(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) {
			if (name === 'node_modules' || name.startsWith('.')) continue;
			out.push(...files(full));
		} else if (/\.(ts|js|svelte)$/.test(name) && !/\.test\.ts$/.test(name)) {
			out.push(full);
		}
	}
	return out;
}

function writePatterns(tsName: string, sqlName: string): RegExp[] {
	const table = `(?:\\$\\{\\s*(?:tables\\.|schema\\.)?${tsName}\\s*\\}|"?${sqlName}"?)`;
	return [
		new RegExp(`\\.(?:insert|update|delete)\\(\\s*(?:tables\\.|schema\\.)?${tsName}\\b`),
		new RegExp(`\\binsert\\s+into\\s+${table}(?![\\w$])`, 'i'),
		new RegExp(`\\bupdate\\s+${table}(?![\\w$])`, 'i'),
		new RegExp(`\\bdelete\\s+from\\s+${table}(?![\\w$])`, 'i'),
		new RegExp(`\\btruncate\\s+(?:table\\s+)?${table}(?![\\w$])`, 'i')
	];
}

/** Every write to one of `owned`'s tables in `text`, as "line: statement". */
function writesIn(text: string, owned: Owned): string[] {
	const hits: string[] = [];
	const lines = text.split('\n');
	for (const [tsName, sqlName] of owned.tables) {
		for (const re of writePatterns(tsName, sqlName)) {
			lines.forEach((line, i) => {
				if (re.test(line)) hits.push(`${i + 1}: ${line.trim()}`);
			});
		}
	}
	return hits;
}

describe('one writer per fact', () => {
	const sources = SCANNED.flatMap((d) => {
		const full = path.join(root, d);
		try {
			return files(full);
		} catch {
			return [];
		}
	}).map((f) => ({ rel: path.relative(root, f).split(path.sep).join('/'), full: f }));

	it('finds the server sources and the owned tables', () => {
		expect(sources.length).toBeGreaterThan(100);
		expect(OWNED[0]!.tables.get('ledgerEntries')).toBe('ledger_entries');
		expect(OWNED[1]!.tables.get('stockLocks')).toBe('stock_locks');
	});

	it('recognises the ways code writes a table', () => {
		const ledger = OWNED[0]!;
		for (const text of [
			'await tx.insert(ledgerEntries).values(rows)',
			'await db().update(tables.ledgerSales).set({})',
			'tx.delete( ledgerPayouts ).where(x)',
			'sql`insert into ledger_entries (a) values (1)`',
			'sql`INSERT INTO "ledger_sales" (a) select 1`',
			'sql`update ${ledgerSales} set refunded_fen = 1`',
			'sql`delete from ledger_payouts where id = 1`'
		]) {
			expect(writesIn(text, ledger), text).toHaveLength(1);
		}
		for (const text of [
			'await tx.select().from(ledgerEntries)',
			'sql`select * from ledger_entries`',
			'sql`update ledger_entries_archive set a = 1`',
			'sql`insert into ledger_sales_view_x (a) values (1)`'
		]) {
			expect(writesIn(text, ledger), text).toEqual([]);
		}
	});

	for (const owned of OWNED) {
		it(`only its owner writes ${owned.fact}`, () => {
			const offenders: string[] = [];
			for (const { rel, full } of sources) {
				if (owned.writers.some((w) => rel.startsWith(w))) continue;
				for (const hit of writesIn(readFileSync(full, 'utf8'), owned)) {
					offenders.push(`${rel}:${hit}`);
				}
			}
			expect(offenders).toEqual([]);
		});
	}
});
