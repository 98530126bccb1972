/**
 * Catalog data the boards show on slot cards, read through the catalog service so a board
 * sees exactly what the catalog shows: active lots of admitted suppliers, the same search and
 * the same media URLs. Every catalog read of the boards module goes through this file.
 *
 * A slot whose lot is missing from the answer (blocked, archived, supplier blocked) shows as
 * unavailable.
 */
import { asc, inArray } from 'drizzle-orm';
import { z } from '$lib/server/validation';
import { db } from '../db';
import { lotMedia } from '../db/schema';
import { getLotSummaries, searchLots, type LotSummary as CatalogLot } from '../catalog';
import { mediaUrl as catalogMediaUrl } from '../platform/storage';

import type { LotMediaView, LotSummary } from '$lib/boards/types';

export type { LotMediaView, LotSummary };

/** Where a stored media file is served from (the catalog's access-checked /media route). */
export function mediaUrl(media: { storageKey: string }): string {
	return catalogMediaUrl(media.storageKey);
}

async function withMedia(rows: CatalogLot[]): Promise<LotSummary[]> {
	const visible = rows.filter((r) => r.visible);
	if (visible.length === 0) return [];
	const media = await db()
		.select()
		.from(lotMedia)
		.where(
			inArray(
				lotMedia.lotId,
				visible.map((r) => r.id)
			)
		)
		.orderBy(asc(lotMedia.lotId), asc(lotMedia.position));
	const byLot = new Map<string, LotMediaView[]>();
	for (const m of media) {
		if (m.kind === 'document') continue;
		const list = byLot.get(m.lotId) ?? [];
		list.push({ id: m.id, kind: m.kind, url: mediaUrl(m), mime: m.mime });
		byLot.set(m.lotId, list);
	}
	return visible.map((r) => ({
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
			available: r.available,
			version: r.stockVersion
		},
		media: byLot.get(r.id) ?? []
	}));
}

const Uuid = z.uuid();

/** Summaries of the given lots (unknown, inactive or blocked ones are left out). */
export async function lotSummaries(ids: string[]): Promise<LotSummary[]> {
	const wanted = [...new Set(ids)].filter((id) => Uuid.safeParse(id).success).slice(0, 2000);
	if (wanted.length === 0) return [];
	return withMedia(await getLotSummaries(wanted));
}

/** Catalog search inside a board: the catalog's own search, best sellers first. */
export async function searchLotsForBoard(q: string, limit = 20): Promise<LotSummary[]> {
	const n = Math.max(1, Math.min(50, Math.trunc(limit) || 20));
	const text = q.trim().slice(0, 100);
	if (Uuid.safeParse(text).success) return lotSummaries([text]);
	const { items } = await searchLots({
		q: text || undefined,
		limit: n,
		sort: text ? 'sales' : 'newest'
	});
	return withMedia(items);
}
