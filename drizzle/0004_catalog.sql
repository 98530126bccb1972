CREATE TYPE "public"."sale_channel" AS ENUM('wholesale', 'dropship');--> statement-breakpoint
CREATE TABLE "lot_sales" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lot_sales_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lot_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"buyer_key" text NOT NULL,
	"quantity" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"channel" "sale_channel" NOT NULL,
	"order_ref" text,
	"sold_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lot_sales_quantity_positive" CHECK ("lot_sales"."quantity" > 0 and "lot_sales"."amount_fen" >= 0)
);
--> statement-breakpoint
DROP INDEX "lots_active_price_idx";--> statement-breakpoint
DROP INDEX "lots_active_sales_idx";--> statement-breakpoint
DROP INDEX "lots_active_seq_idx";--> statement-breakpoint
DROP INDEX "lots_supplier_idx";--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "size_profile" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "search_grams" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "blocked_by" uuid;--> statement-breakpoint
ALTER TABLE "lots" ADD COLUMN "blocked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lot_sales" ADD CONSTRAINT "lot_sales_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_sales" ADD CONSTRAINT "lot_sales_supplier_id_suppliers_org_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("org_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lot_sales_order_ref_key" ON "lot_sales" USING btree ("channel","order_ref");--> statement-breakpoint
CREATE INDEX "lot_sales_lot_time_idx" ON "lot_sales" USING btree ("lot_id","sold_at");--> statement-breakpoint
CREATE INDEX "lot_sales_supplier_buyer_idx" ON "lot_sales" USING btree ("supplier_id","buyer_key");--> statement-breakpoint
CREATE INDEX "lot_sales_time_idx" ON "lot_sales" USING btree ("sold_at");--> statement-breakpoint
CREATE INDEX "lot_sales_recorded_idx" ON "lot_sales" USING btree ("recorded_at");--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_blocked_by_users_id_fk" FOREIGN KEY ("blocked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lots_brand_idx" ON "lots" USING btree ("brand_id");--> statement-breakpoint
CREATE INDEX "lots_province_idx" ON "lots" USING btree ("warehouse_province");--> statement-breakpoint
CREATE INDEX "lots_scenarios_idx" ON "lots" USING gin ("scenarios");--> statement-breakpoint
CREATE INDEX "lots_search_grams_idx" ON "lots" USING gin ("search_grams");--> statement-breakpoint
CREATE INDEX "lots_supplier_idx" ON "lots" USING btree ("supplier_id","seq");