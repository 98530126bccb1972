/**
 * Catalog data the boards show on slot cards. Temporary: reads the lots table directly until the
 * catalog service (searchLots / getLotSummaries in $lib/server/catalog) lands; then these two
 * functions and `mediaUrl` are pointed at it. Keep every catalog read of the boards module here.
 *
 * Only active lots of admitted suppliers are returned; a slot whose lot is missing from the
 * answer shows as unavailable.
 */
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../db';
import { lotMedia, lots, orgs, suppliers } from '../db/schema';

import type { LotMediaView, LotSummary } from '$lib/boards/types';

export type { LotMediaView, LotSummary };

/** Where a stored media file is served from. */
export function mediaUrl(media: { storageKey: string }): string {
	return `/media/${media.storageKey}`;
}

const columns = {
	id: lots.id,
	title: lots.title,
	grade: lots.grade,
	unitPriceFen: lots.unitPriceFen,
	tagPriceFen: lots.tagPriceFen,
	moq: lots.moq,
	talkingPoints: lots.talkingPoints,
	defectDescription: lots.defectDescription,
	onHand: lots.onHand,
	locked: lots.locked,
	allocated: lots.allocated,
	stockVersion: lots.stockVersion,
	supplierName: orgs.name
};

async function withMedia(rows: Awaited<ReturnType<typeof select>>): Promise<LotSummary[]> {
	if (rows.length === 0) return [];
	const media = await db()
		.select()
		.from(lotMedia)
		.where(
			inArray(
				lotMedia.lotId,
				rows.map((r) => r.id)
			)
		)
		.orderBy(asc(lotMedia.lotId), asc(lotMedia.position));
	const byLot = new Map<string, LotMediaView[]>();
	for (const m of media) {
		const list = byLot.get(m.lotId) ?? [];
		list.push({ id: m.id, kind: m.kind, url: mediaUrl(m), mime: m.mime });
		byLot.set(m.lotId, list);
	}
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		grade: r.grade,
		unitPriceFen: r.unitPriceFen,
		tagPriceFen: r.tagPriceFen,
		moq: r.moq,
		talkingPoints: r.talkingPoints,
		defectDescription: r.defectDescription,
		supplierName: r.supplierName,
		stock: {
			onHand: r.onHand,
			locked: r.locked,
			allocated: r.allocated,
			available: r.onHand - r.locked - r.allocated,
			version: r.stockVersion
		},
		media: byLot.get(r.id) ?? []
	}));
}

function select(where: SQL | undefined, limit: number, order: SQL[]) {
	return db()
		.select(columns)
		.from(lots)
		.innerJoin(suppliers, eq(suppliers.orgId, lots.supplierId))
		.innerJoin(orgs, eq(orgs.id, lots.supplierId))
		.where(and(eq(lots.status, 'active'), eq(suppliers.status, 'admitted'), where))
		.orderBy(...order)
		.limit(limit);
}

const Uuid = z.uuid();

/** Summaries of the given lots (unknown, inactive or blocked ones are left out). */
export async function lotSummaries(ids: string[]): Promise<LotSummary[]> {
	const wanted = [...new Set(ids)].filter((id) => Uuid.safeParse(id).success).slice(0, 2000);
	if (wanted.length === 0) return [];
	return withMedia(await select(inArray(lots.id, wanted), wanted.length, [asc(lots.id)]));
}

/** Catalog search inside a board: words match title, brand, category and defect text. */
export async function searchLotsForBoard(q: string, limit = 20): Promise<LotSummary[]> {
	const n = Math.max(1, Math.min(50, Math.trunc(limit) || 20));
	const text = q.trim().toLowerCase().slice(0, 100);
	if (!text) return withMedia(await select(undefined, n, [desc(lots.seq)]));
	if (Uuid.safeParse(text).success) return lotSummaries([text]);
	const words = text.split(/\s+/).filter(Boolean).slice(0, 5);
	const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const where = and(
		...words.map((w) => or(ilike(lots.searchText, like(w)), ilike(lots.title, like(w))))
	);
	return withMedia(await select(where, n, [desc(lots.sales7d), desc(sql`${lots.seq}`)]));
}
