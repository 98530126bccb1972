-- Custom SQL migration: the price sorts within one category (see search.ts, leafWalk).
-- Cheap categories (kids' sets) sit at the far end of "price descending" for the whole catalog,
-- so walking lots_cover_price_idx reads most of the catalog before the first match. Led by the
-- category path, this index walks one category in price order (both directions), index-only:
-- it covers every filter column like the other sort indexes.
CREATE INDEX IF NOT EXISTS "lots_cover_category_price_idx" ON "lots" ("category_path", "unit_price_fen", "id") INCLUDE ("supplier_id", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "scenarios") WHERE status = 'active';
