CREATE TYPE "public"."fulfilment_kind" AS ENUM('order', 'replacement');--> statement-breakpoint
CREATE TYPE "public"."fulfilment_status" AS ENUM('pending', 'accepted', 'packed', 'shipped', 'delivered', 'returned', 'cancelled', 'out_of_stock', 'address_problem');--> statement-breakpoint
CREATE TYPE "public"."order_source" AS ENUM('webhook', 'console', 'import');--> statement-breakpoint
CREATE TABLE "defect_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fulfilment_id" uuid NOT NULL,
	"severe_pieces" integer NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"replacement_id" uuid,
	"freight_charge_fen" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "defect_claims_pieces" CHECK ("defect_claims"."severe_pieces" >= 1)
);
--> statement-breakpoint
CREATE TABLE "freight_rates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"origin_province" text NOT NULL,
	"dest_province" text NOT NULL,
	"min_pieces" integer DEFAULT 1 NOT NULL,
	"partner_base_fen" integer NOT NULL,
	"partner_per_piece_fen" integer NOT NULL,
	"market_base_fen" integer NOT NULL,
	"market_per_piece_fen" integer NOT NULL,
	"carrier" text DEFAULT '' NOT NULL,
	CONSTRAINT "freight_rates_nonneg" CHECK ("freight_rates"."min_pieces" >= 1 and "freight_rates"."partner_base_fen" >= 0 and "freight_rates"."partner_per_piece_fen" >= 0 and "freight_rates"."market_base_fen" >= 0 and "freight_rates"."market_per_piece_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "fulfilment_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fulfilment_id" uuid NOT NULL,
	"from_status" "fulfilment_status",
	"to_status" "fulfilment_status" NOT NULL,
	"actor_user_id" uuid,
	"actor_token_id" uuid,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fulfilments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"order_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"warehouse_province" text DEFAULT '' NOT NULL,
	"warehouse_city" text DEFAULT '' NOT NULL,
	"kind" "fulfilment_kind" DEFAULT 'order' NOT NULL,
	"replaces_id" uuid,
	"status" "fulfilment_status" DEFAULT 'pending' NOT NULL,
	"packaging" text[] DEFAULT '{}'::text[] NOT NULL,
	"ship_to" jsonb NOT NULL,
	"carrier" text,
	"tracking_no" text,
	"due_at" timestamp with time zone,
	"freight_charge_fen" integer DEFAULT 0 NOT NULL,
	"exception_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"packed_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fulfilments_freight_nonneg" CHECK ("fulfilments"."freight_charge_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"fulfilment_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"commission_bp" integer NOT NULL,
	"from_free" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "order_lines_amounts" CHECK ("order_lines"."quantity" > 0 and "order_lines"."unit_price_fen" > 0 and "order_lines"."from_free" >= 0 and "order_lines"."from_free" <= "order_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"source" "order_source" NOT NULL,
	"ship_to" jsonb NOT NULL,
	"total_fen" integer NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"created_by_user" uuid,
	"created_by_token" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_total_nonneg" CHECK ("orders"."total_fen" >= 0)
);
--> statement-breakpoint
ALTER TABLE "show_slots" ADD COLUMN "packaging" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "commission_bp" integer;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "packaging" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "defect_claims" ADD CONSTRAINT "defect_claims_fulfilment_id_fulfilments_id_fk" FOREIGN KEY ("fulfilment_id") REFERENCES "public"."fulfilments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "defect_claims" ADD CONSTRAINT "defect_claims_replacement_id_fulfilments_id_fk" FOREIGN KEY ("replacement_id") REFERENCES "public"."fulfilments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "defect_claims" ADD CONSTRAINT "defect_claims_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_events" ADD CONSTRAINT "fulfilment_events_fulfilment_id_fulfilments_id_fk" FOREIGN KEY ("fulfilment_id") REFERENCES "public"."fulfilments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_events" ADD CONSTRAINT "fulfilment_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_events" ADD CONSTRAINT "fulfilment_events_actor_token_id_api_tokens_id_fk" FOREIGN KEY ("actor_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_team_id_orgs_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_supplier_id_orgs_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_fulfilment_id_fulfilments_id_fk" FOREIGN KEY ("fulfilment_id") REFERENCES "public"."fulfilments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_team_id_orgs_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_created_by_user_users_id_fk" FOREIGN KEY ("created_by_user") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_created_by_token_api_tokens_id_fk" FOREIGN KEY ("created_by_token") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "defect_claims_fulfilment_idx" ON "defect_claims" USING btree ("fulfilment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "freight_rates_route_tier_key" ON "freight_rates" USING btree ("origin_province","dest_province","min_pieces");--> statement-breakpoint
CREATE INDEX "fulfilment_events_fulfilment_idx" ON "fulfilment_events" USING btree ("fulfilment_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "fulfilments_number_key" ON "fulfilments" USING btree ("number");--> statement-breakpoint
CREATE INDEX "fulfilments_order_idx" ON "fulfilments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "fulfilments_supplier_idx" ON "fulfilments" USING btree ("supplier_id","status","created_at");--> statement-breakpoint
CREATE INDEX "fulfilments_show_idx" ON "fulfilments" USING btree ("show_id","created_at");--> statement-breakpoint
CREATE INDEX "order_lines_order_idx" ON "order_lines" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "order_lines_fulfilment_idx" ON "order_lines" USING btree ("fulfilment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_team_external_key" ON "orders" USING btree ("team_id","external_id");--> statement-breakpoint
CREATE INDEX "orders_show_idx" ON "orders" USING btree ("show_id","created_at");