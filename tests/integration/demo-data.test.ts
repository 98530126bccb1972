// The demo marketplace is what a first visitor sees: its figures must be consistent.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeBreakdownMatchesStock, sizeBreakdownTotal } from '../../src/lib/domain/sizes';
import { deriveLotFields } from '../../src/lib/domain/pricing';
import { localDiskStorage, setMediaStorage } from '../../src/lib/server/platform/storage';
import { db } from '../../src/lib/server/db';
import { lots, orgs, suppliers } from '../../src/lib/server/db/schema';
import { generateLots, seedDemoIfEmpty } from '../../src/lib/server/seed/demo';

const mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lotlive-media-'));
beforeAll(async () => {
	setMediaStorage(localDiskStorage(mediaDir));
	expect(await seedDemoIfEmpty()).toBe(true);
}, 120_000);
afterAll(() => {
	setMediaStorage(undefined);
	rmSync(mediaDir, { recursive: true, force: true });
});

describe('demo data', () => {
	it('every lot’s size breakdown adds up to its stock on hand (and generated lots’ too)', async () => {
		await generateLots(300, { seed: 9 });
		const rows = await db().select().from(lots);
		expect(rows.length).toBeGreaterThan(300);
		const bad = rows.filter((l) => !sizeBreakdownMatchesStock(l.sizeBreakdown, l.onHand));
		expect(
			bad.map((l) => `${l.title}: ${sizeBreakdownTotal(l.sizeBreakdown)} of ${l.onHand}`)
		).toEqual([]);
		// and the derived fields are those of the breakdown stored
		for (const l of rows) {
			const d = deriveLotFields(l);
			expect({ largeSizeBp: l.largeSizeBp, sizeProfile: l.sizeProfile }, l.title).toEqual({
				largeSizeBp: d.largeSizeBp,
				sizeProfile: d.sizeProfile
			});
		}
	});

	it('supplier names carry no status: the pending one is pending by its status field', async () => {
		const rows = await db()
			.select({ name: orgs.name, status: suppliers.status })
			.from(suppliers)
			.innerJoin(orgs, eq(orgs.id, suppliers.orgId));
		expect(rows.some((r) => r.status === 'pending')).toBe(true);
		for (const r of rows) {
			expect(r.name).not.toMatch(
				/待审核|审核中|已审核|已拒绝|已封禁|pending|admitted|blocked|[（(]/i
			);
		}
	});
});
