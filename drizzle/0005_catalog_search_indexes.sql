-- Custom SQL migration: catalog search indexes drizzle-kit cannot express (see schema/catalog.ts).
-- Sort indexes for the catalog (active lots), each ending in the id tie-breaker the cursor uses
-- and covering every filter column, so filtering a walk in sort order is index-only.
CREATE INDEX IF NOT EXISTS "lots_cover_sales_idx" ON "lots" ("sales_7d", "id") INCLUDE ("supplier_id", "category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "unit_price_fen", "scenarios") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "lots_cover_repurchase_idx" ON "lots" ("repurchase_bp", "id") INCLUDE ("supplier_id", "category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "unit_price_fen", "scenarios") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "lots_cover_price_idx" ON "lots" ("unit_price_fen", "id") INCLUDE ("supplier_id", "category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "scenarios") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "lots_cover_seq_idx" ON "lots" ("seq") INCLUDE ("id", "supplier_id", "category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "unit_price_fen", "scenarios") WHERE status = 'active';--> statement-breakpoint
-- Any mix of equality filters in one bitmap scan (PGlite loads btree_gin as well).
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "lots_filter_gin_idx" ON "lots" USING gin ("category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "scenarios") WHERE status = 'active';
