// What the cart and the checkout read about lots: the catalog row, its supplier, its trade terms
// (step, carton size, price breaks; a lot without a terms row sells by the piece, no breaks) and
// its free stock, as the domain's CartLot plus what the views show. The checkout reads them
// FOR UPDATE (lots in id order: docs/STOCK.md lock order) so stock and price are decided on
// rows nobody else can change before COMMIT.
import { sql } from 'drizzle-orm';
import { available } from '$lib/domain/locks';
import type { CartLot, PriceBreak } from '$lib/domain/trade/cart';
import type { RateTable } from '$lib/domain/trade/checkout';
import type { Grade } from '$lib/domain/policy';
import { execRows, jsonValue, uuidArray, type DbOrTx } from '../db';
import { mediaUrl } from '../platform/storage';
import type { LotCounterRow } from '../stock';

export interface CartLotInfo extends CartLot {
	title: string;
	supplierName: string;
	coverUrl: string | null;
	piecesPerCarton: number;
	/** Free stock (on hand − locked − allocated) as read. */
	available: number;
	counters: LotCounterRow;
	/** In the catalog now (active lot, admitted supplier): what a buyer may add or see. */
	visible: boolean;
}

interface Row extends Record<string, unknown> {
	id: string;
	supplier_id: string;
	supplier_name: string;
	supplier_status: string;
	title: string;
	grade: Grade;
	tag_price_fen: number;
	unit_price_fen: number;
	price_override: boolean;
	moq: number;
	on_hand: number;
	locked: number;
	allocated: number;
	stock_version: string | number;
	warehouse_province: string;
	warehouse_city: string;
	status: string;
	step: number | null;
	pieces_per_carton: number | null;
	price_breaks: unknown;
	cover_key: string | null;
}

/**
 * The lots of `lotIds` (unknown ids are simply absent). `forUpdate` locks the lot rows in id
 * order (only the lots: suppliers and terms are read, not locked).
 */
export async function loadCartLots(
	tx: DbOrTx,
	lotIds: readonly string[],
	opts: { forUpdate?: boolean } = {}
): Promise<Map<string, CartLotInfo>> {
	const out = new Map<string, CartLotInfo>();
	const ids = [...new Set(lotIds)].sort();
	if (ids.length === 0) return out;
	const rows = await execRows<Row>(
		sql`select l.id, l.supplier_id, o.name as supplier_name, s.status as supplier_status,
			l.title, l.grade, l.tag_price_fen, l.unit_price_fen, l.price_override, l.moq,
			l.on_hand, l.locked, l.allocated, l.stock_version, l.warehouse_province,
			l.warehouse_city, l.status, t.step, t.pieces_per_carton, t.price_breaks,
			(select m.storage_key from lot_media m where m.lot_id = l.id and m.kind = 'photo'
				order by m.position limit 1) as cover_key
		from lots l
		join suppliers s on s.org_id = l.supplier_id
		join orgs o on o.id = l.supplier_id
		left join trade_lot_terms t on t.lot_id = l.id
		where l.id = any(${uuidArray(ids)})
		order by l.id
		${opts.forUpdate ? sql`for update of l` : sql``}`,
		tx
	);
	for (const r of rows) {
		const breaks = jsonValue<PriceBreak[] | null>(r.price_breaks) ?? [];
		const counters: LotCounterRow = {
			id: r.id,
			onHand: Number(r.on_hand),
			locked: Number(r.locked),
			allocated: Number(r.allocated),
			stockVersion: Number(r.stock_version)
		};
		const visible = r.status === 'active' && r.supplier_status === 'admitted';
		out.set(r.id, {
			lotId: r.id,
			supplierId: r.supplier_id,
			supplierName: r.supplier_name,
			warehouseProvince: r.warehouse_province,
			warehouseCity: r.warehouse_city,
			grade: r.grade,
			tagPriceFen: Number(r.tag_price_fen),
			unitPriceFen: Number(r.unit_price_fen),
			priceOverride: r.price_override,
			moq: Number(r.moq),
			step: Number(r.step ?? 1),
			piecesPerCarton: Number(r.pieces_per_carton ?? 1),
			priceBreaks: breaks
				.map((b) => ({ minQuantity: Number(b.minQuantity), unitPriceFen: Number(b.unitPriceFen) }))
				.sort((a, b) => a.minQuantity - b.minQuantity),
			buyable: visible,
			visible,
			title: r.title,
			coverUrl: r.cover_key ? mediaUrl(r.cover_key) : null,
			available: available(counters),
			counters
		});
	}
	return out;
}

/**
 * Partner rate tiers from the lots' warehouse provinces (null: from anywhere) to `dest` (the
 * checkout's RateTable).
 */
export async function loadRates(
	tx: DbOrTx,
	origins: readonly string[] | null,
	dest: string
): Promise<RateTable> {
	const list = origins ? [...new Set(origins)] : null;
	if (list && list.length === 0) return [];
	const rows = await execRows<{
		origin_province: string;
		dest_province: string;
		min_pieces: number;
		partner_base_fen: number;
		partner_per_piece_fen: number;
		market_base_fen: number;
		market_per_piece_fen: number;
		carrier: string;
	}>(
		sql`select origin_province, dest_province, min_pieces, partner_base_fen,
			partner_per_piece_fen, market_base_fen, market_per_piece_fen, carrier
		from freight_rates
		where dest_province = ${dest}
		${list ? sql`and origin_province in (select jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))` : sql``}`,
		tx
	);
	return rows.map((r) => ({
		originProvince: r.origin_province,
		destProvince: r.dest_province,
		minPieces: Number(r.min_pieces),
		partnerBaseFen: Number(r.partner_base_fen),
		partnerPerPieceFen: Number(r.partner_per_piece_fen),
		marketBaseFen: Number(r.market_base_fen),
		marketPerPieceFen: Number(r.market_per_piece_fen),
		carrier: r.carrier
	}));
}
