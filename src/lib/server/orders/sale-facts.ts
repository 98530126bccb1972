import { sql, type SQL } from 'drizzle-orm';

/**
 * The sale facts of dropship orders, for the catalog's stats job (Module.saleFacts in module.ts):
 * one per line of the orders placed by the transactions in [from, to), replacement parcels
 * excluded. A consumer is counted for repurchase rates by a hash of the digits of their phone
 * number, never the number ('c:' and the first 32 hex digits of its SHA-256).
 */
export function dropshipSaleFacts({ from, to }: { from: number; to: number }): SQL {
	return sql`select ol.lot_id, ol.supplier_id,
			'c:' || left(encode(sha256(convert_to(
				regexp_replace(o.ship_to->>'phone', '[^0-9]', '', 'g'), 'UTF8')), 'hex'), 32) as buyer_key,
			ol.quantity, ol.quantity::bigint * ol.unit_price_fen as amount_fen,
			'dropship'::sale_channel as channel, ol.id::text as order_ref, o.paid_at as sold_at
		from orders o
		join order_lines ol on ol.order_id = o.id
		join fulfilments f on f.id = ol.fulfilment_id and f.kind = 'order'
		where o.xact >= ${from}::bigint and o.xact < ${to}::bigint`;
}
