import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db, dbHandle, execRows } from '../../src/lib/server/db';
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

	it('refuses stock counters that would oversell (CHECK constraint)', async () => {
		const [lot] = await db().select().from(lots).limit(1);
		await expect(
			db().execute(sql`update lots set locked = on_hand + 1 where id = ${lot!.id}`)
		).rejects.toThrow();
	});
});
