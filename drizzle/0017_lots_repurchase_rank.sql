ALTER TABLE "lots" ADD COLUMN "repurchase_buyers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "repurchase_rank_bp" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Custom SQL: the repurchase sort now ranks by repurchase_rank_bp (the Wilson lower bound of the
-- rate), so its covering sort index moves to that column (same INCLUDE list as 0005's).
DROP INDEX IF EXISTS "lots_cover_repurchase_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "lots_cover_repurchase_rank_idx" ON "lots" ("repurchase_rank_bp", "id") INCLUDE ("supplier_id", "category_path", "grade", "source", "brand_id", "warehouse_province", "size_profile", "moq", "unit_price_fen", "scenarios") WHERE status = 'active';--> statement-breakpoint
-- The next catalog stats run is a full one (it fills the new columns of every lot); the
-- marker's transaction horizon is kept, so no sale fact is read twice.
UPDATE "settings" SET "value" = "value" - 'at' WHERE "scope" = 'catalog' AND "key" = 'sales_stats_refreshed_at';
