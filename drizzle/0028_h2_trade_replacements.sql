CREATE TYPE "public"."trade_replacement_source" AS ENUM('exchange', 'severe_defect');--> statement-breakpoint
CREATE TYPE "public"."trade_replacement_state" AS ENUM('due', 'shipped', 'missed');--> statement-breakpoint
CREATE TABLE "trade_replacement_lines" (
	"replacement_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"held_fen" bigint NOT NULL,
	CONSTRAINT "trade_replacement_lines_replacement_id_line_id_pk" PRIMARY KEY("replacement_id","line_id"),
	CONSTRAINT "trade_replacement_lines_numbers" CHECK ("trade_replacement_lines"."quantity" > 0 and "trade_replacement_lines"."held_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "trade_replacements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"source" "trade_replacement_source" NOT NULL,
	"dispute_id" uuid,
	"state" "trade_replacement_state" DEFAULT 'due' NOT NULL,
	"pieces" integer NOT NULL,
	"held_fen" bigint DEFAULT 0 NOT NULL,
	"freight_charge_fen" bigint DEFAULT 0 NOT NULL,
	"released_fen" bigint DEFAULT 0 NOT NULL,
	"refunded_fen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"shipped_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "trade_replacements_amounts" CHECK ("trade_replacements"."pieces" > 0 and "trade_replacements"."held_fen" >= 0 and "trade_replacements"."freight_charge_fen" >= 0 and "trade_replacements"."released_fen" >= 0 and "trade_replacements"."refunded_fen" >= 0 and ("trade_replacements"."state" = 'due') = ("trade_replacements"."released_fen" + "trade_replacements"."refunded_fen" = 0 and "trade_replacements"."closed_at" is null) and ("trade_replacements"."state" = 'due' or "trade_replacements"."released_fen" + "trade_replacements"."refunded_fen" = "trade_replacements"."held_fen" or "trade_replacements"."held_fen" = 0) and ("trade_replacements"."state" <> 'shipped' or "trade_replacements"."refunded_fen" = 0) and ("trade_replacements"."state" <> 'missed' or "trade_replacements"."released_fen" = 0))
);
--> statement-breakpoint
ALTER TABLE "trade_disputes" ADD COLUMN "restocked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "trade_parcels" ADD COLUMN "replacement_id" uuid;--> statement-breakpoint
ALTER TABLE "trade_replacement_lines" ADD CONSTRAINT "trade_replacement_lines_replacement_id_trade_replacements_id_fk" FOREIGN KEY ("replacement_id") REFERENCES "public"."trade_replacements"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_replacement_lines" ADD CONSTRAINT "trade_replacement_lines_line_id_trade_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."trade_order_lines"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_replacements" ADD CONSTRAINT "trade_replacements_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_replacements" ADD CONSTRAINT "trade_replacements_dispute_id_trade_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."trade_disputes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trade_replacements_order_source_key" ON "trade_replacements" USING btree ("order_id","source");--> statement-breakpoint
CREATE INDEX "trade_replacements_due_idx" ON "trade_replacements" USING btree ("due_at") WHERE "trade_replacements"."state" = 'due';--> statement-breakpoint
ALTER TABLE "trade_parcels" ADD CONSTRAINT "trade_parcels_replacement_id_trade_replacements_id_fk" FOREIGN KEY ("replacement_id") REFERENCES "public"."trade_replacements"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_parcels" ADD CONSTRAINT "trade_parcels_replacement" CHECK ("trade_parcels"."replacement_id" is null or "trade_parcels"."replacement");