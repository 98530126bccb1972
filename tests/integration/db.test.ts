import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db, dbHandle, execRows, transactionFrom } from '../../src/lib/server/db';
import { lots } from '../../src/lib/server/db/schema';
import { DEMO_LOT_COUNT, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

describe('database layer', () => {
	it('returns raw rows the same way on Postgres and PGlite', async () => {
		const rows = await execRows<{ n: number; kind: string }>(sql`select 1::int as n, 'x' as kind`);
		expect(rows).toEqual([{ n: 1, kind: 'x' }]);
		expect(['postgres', 'pglite']).toContain(dbHandle().kind);
	});

	it('seeds the demo marketplace once, deterministically, covering sources and grades', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		expect(await seedDemoIfEmpty()).toBe(false);
		const all = await db().select().from(lots);
		expect(all).toHaveLength(DEMO_LOT_COUNT);
		expect(new Set(all.map((l) => l.source)).size).toBe(4);
		expect(new Set(all.map((l) => l.grade))).toEqual(new Set(['A', 'B', 'C']));
		expect(new Set(all.map((l) => l.categoryPath)).size).toBeGreaterThanOrEqual(6);
		for (const l of all) {
			if (l.grade !== 'A') expect(l.defectDescription, l.title).toBeTruthy();
		}
	});

	it('ends a transaction with its last statements and COMMIT together, or rolls all back', async () => {
		await db().execute(sql`create table if not exists finish_probe (id int primary key)`);
		const ids = async () =>
			(await execRows<{ id: number }>(sql`select id from finish_probe order by id`)).map(
				(r) => r.id
			);
		const out = await transactionFrom<{ id: number }, number[][]>(
			sql`insert into finish_probe values (1) returning id`,
			async (_tx, rows, finish) => {
				expect(rows).toEqual([{ id: 1 }]);
				const last = await finish([
					sql`insert into finish_probe values (2), (3) returning id`,
					sql`select count(*)::int as n from finish_probe`
				]);
				return [last[0]!.map((r) => Number(r.id)), [Number(last[1]![0]!.n)]];
			}
		);
		expect(out).toEqual([[2, 3], [3]]);
		expect(await ids()).toEqual([1, 2, 3]);
		// A failing last statement (duplicate key) rolls back the first statement too.
		await expect(
			transactionFrom(sql`insert into finish_probe values (4) returning id`, (_tx, _rows, finish) =>
				finish([sql`insert into finish_probe values (5)`, sql`insert into finish_probe values (1)`])
			)
		).rejects.toThrow();
		expect(await ids()).toEqual([1, 2, 3]);
		// Without finish it commits when the callback resolves, and the pool goes on working.
		await transactionFrom(sql`insert into finish_probe values (6) returning id`, async () => {});
		expect(await ids()).toEqual([1, 2, 3, 6]);
		await db().execute(sql`drop table finish_probe`);
	});

	it('refuses stock counters that would oversell (CHECK constraint)', async () => {
		const [lot] = await db().select().from(lots).limit(1);
		await expect(
			db().execute(sql`update lots set locked = on_hand + 1 where id = ${lot!.id}`)
		).rejects.toThrow();
	});
});
