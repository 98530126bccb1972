CREATE TABLE "show_lot_sales" (
	"show_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"sold" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "show_lot_sales_show_id_lot_id_pk" PRIMARY KEY("show_id","lot_id"),
	CONSTRAINT "show_lot_sales_sold" CHECK ("show_lot_sales"."sold" >= 0)
);
--> statement-breakpoint
ALTER TABLE "show_lot_sales" ADD CONSTRAINT "show_lot_sales_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "show_lot_sales" ADD CONSTRAINT "show_lot_sales_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Backfill from the orders placed before the counter existed.
INSERT INTO "show_lot_sales" ("show_id", "lot_id", "sold")
SELECT f."show_id", ol."lot_id", sum(ol."quantity")::int
FROM "order_lines" ol JOIN "fulfilments" f ON f."id" = ol."fulfilment_id"
WHERE f."kind" = 'order' AND f."status" NOT IN ('cancelled', 'out_of_stock', 'returned')
GROUP BY f."show_id", ol."lot_id";
