CREATE TYPE "public"."lock_event_kind" AS ENUM('acquire', 'raise', 'lower', 'release', 'expire', 'extend', 'consume', 'return');--> statement-breakpoint
CREATE TYPE "public"."lock_status" AS ENUM('active', 'released', 'expired');--> statement-breakpoint
CREATE TYPE "public"."show_status" AS ENUM('scheduled', 'live', 'ended', 'cancelled');--> statement-breakpoint
CREATE TABLE "lock_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"lock_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"kind" "lock_event_kind" NOT NULL,
	"delta" integer NOT NULL,
	"quantity_after" integer NOT NULL,
	"actor_user_id" uuid,
	"actor_token_id" uuid,
	"system" boolean DEFAULT false NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "show_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"show_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"lot_id" uuid NOT NULL,
	"live_price_fen" integer NOT NULL,
	"planned_lock_qty" integer DEFAULT 0 NOT NULL,
	"planned_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"board_slot_id" text,
	CONSTRAINT "show_slots_price_positive" CHECK ("show_slots"."live_price_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "shows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"board_id" uuid,
	"title" text NOT NULL,
	"status" "show_status" DEFAULT 'scheduled' NOT NULL,
	"scheduled_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"current_slot_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_locks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"show_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"consumed" integer DEFAULT 0 NOT NULL,
	"status" "lock_status" DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "stock_locks_quantity" CHECK ("stock_locks"."quantity" >= 0 and "stock_locks"."consumed" >= 0)
);
--> statement-breakpoint
ALTER TABLE "lock_events" ADD CONSTRAINT "lock_events_lock_id_stock_locks_id_fk" FOREIGN KEY ("lock_id") REFERENCES "public"."stock_locks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_events" ADD CONSTRAINT "lock_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_events" ADD CONSTRAINT "lock_events_actor_token_id_api_tokens_id_fk" FOREIGN KEY ("actor_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "show_slots" ADD CONSTRAINT "show_slots_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "show_slots" ADD CONSTRAINT "show_slots_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shows" ADD CONSTRAINT "shows_team_id_orgs_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shows" ADD CONSTRAINT "shows_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_locks" ADD CONSTRAINT "stock_locks_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_locks" ADD CONSTRAINT "stock_locks_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_locks" ADD CONSTRAINT "stock_locks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lock_events_lock_idx" ON "lock_events" USING btree ("lock_id");--> statement-breakpoint
CREATE INDEX "lock_events_show_idx" ON "lock_events" USING btree ("show_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "show_slots_show_position_key" ON "show_slots" USING btree ("show_id","position");--> statement-breakpoint
CREATE INDEX "show_slots_lot_idx" ON "show_slots" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "shows_team_idx" ON "shows" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "stock_locks_show_lot_idx" ON "stock_locks" USING btree ("show_id","lot_id");--> statement-breakpoint
CREATE INDEX "stock_locks_active_expiry_idx" ON "stock_locks" USING btree ("expires_at") WHERE status = 'active';