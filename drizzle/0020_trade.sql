CREATE TYPE "public"."trade_conversation_kind" AS ENUM('order', 'sample', 'dispute');--> statement-breakpoint
CREATE TYPE "public"."trade_credit_status" AS ENUM('applied', 'approved', 'declined', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."trade_dispute_problem" AS ENUM('wrong_item', 'short', 'defect_over_allowance', 'not_as_sample', 'damaged');--> statement-breakpoint
CREATE TYPE "public"."trade_dispute_state" AS ENUM('awaiting_answer', 'countered', 'rejected', 'escalated', 'returning', 'closed');--> statement-breakpoint
CREATE TYPE "public"."trade_evidence_kind" AS ENUM('photo', 'video', 'file');--> statement-breakpoint
CREATE TYPE "public"."trade_intent_kind" AS ENUM('order', 'sample', 'repayment');--> statement-breakpoint
CREATE TYPE "public"."trade_intent_status" AS ENUM('created', 'pending', 'confirmed', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."trade_order_state" AS ENUM('pending_payment', 'paid', 'accepted', 'packed', 'shipped', 'arrived', 'inspecting', 'accepted_by_buyer', 'auto_accepted', 'released', 'cancelled_unpaid', 'cancelled_sla', 'disputed', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."trade_outcome_by" AS ENUM('agreement', 'default', 'operator');--> statement-breakpoint
CREATE TYPE "public"."trade_outcome_kind" AS ENUM('release', 'partial_refund', 'return_and_refund', 'exchange');--> statement-breakpoint
CREATE TYPE "public"."trade_party" AS ENUM('buyer', 'supplier', 'operator', 'system');--> statement-breakpoint
CREATE TYPE "public"."trade_payment_mode" AS ENUM('escrow', 'terms');--> statement-breakpoint
CREATE TYPE "public"."trade_piece_result" AS ENUM('pass', 'minor', 'severe');--> statement-breakpoint
CREATE TYPE "public"."trade_refund_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."trade_remedy" AS ENUM('partial_refund', 'return_and_refund', 'exchange');--> statement-breakpoint
CREATE TYPE "public"."trade_sample_state" AS ENUM('pending_payment', 'paid', 'shipped', 'delivered', 'approved', 'auto_approved', 'rejected', 'cancelled_unpaid', 'refunded');--> statement-breakpoint
CREATE TABLE "trade_cart_lines" (
	"buyer_org_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"packaging" text[] DEFAULT '{}'::text[] NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_cart_lines_buyer_org_id_lot_id_pk" PRIMARY KEY("buyer_org_id","lot_id"),
	CONSTRAINT "trade_cart_lines_quantity" CHECK ("trade_cart_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "trade_carts" (
	"buyer_org_id" uuid PRIMARY KEY NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trade_checkouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trade_conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "trade_conversation_kind" NOT NULL,
	"subject_id" uuid NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"head_hash" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_conversations_seq" CHECK ("trade_conversations"."last_seq" >= 0)
);
--> statement-breakpoint
CREATE TABLE "trade_credit_accounts" (
	"buyer_org_id" uuid PRIMARY KEY NOT NULL,
	"company_name" text NOT NULL,
	"uscc" text NOT NULL,
	"trade_references" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "trade_credit_status" DEFAULT 'applied' NOT NULL,
	"limit_fen" bigint DEFAULT 0 NOT NULL,
	"term_days" integer,
	"decline_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"in_flight_fen" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_credit_accounts_uscc" CHECK ("trade_credit_accounts"."uscc" ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
	CONSTRAINT "trade_credit_accounts_numbers" CHECK ("trade_credit_accounts"."limit_fen" >= 0 and "trade_credit_accounts"."in_flight_fen" >= 0 and ("trade_credit_accounts"."term_days" is null or "trade_credit_accounts"."term_days" > 0)),
	CONSTRAINT "trade_credit_accounts_approved" CHECK ("trade_credit_accounts"."status" <> 'approved' or ("trade_credit_accounts"."term_days" is not null and "trade_credit_accounts"."limit_fen" > 0))
);
--> statement-breakpoint
CREATE TABLE "trade_credit_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"status" "trade_credit_status" NOT NULL,
	"limit_fen" bigint NOT NULL,
	"term_days" integer,
	"reason" text DEFAULT '' NOT NULL,
	"changed_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trade_dispute_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dispute_id" uuid NOT NULL,
	"kind" "trade_evidence_kind" NOT NULL,
	"storage_key" text NOT NULL,
	"bytes" bigint NOT NULL,
	"content_type" text NOT NULL,
	"party" "trade_party" NOT NULL,
	"uploaded_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_dispute_evidence_bytes" CHECK ("trade_dispute_evidence"."bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "trade_dispute_lines" (
	"dispute_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"problem" "trade_dispute_problem" NOT NULL,
	"loss_bp" integer NOT NULL,
	"frozen_fen" bigint NOT NULL,
	CONSTRAINT "trade_dispute_lines_dispute_id_line_id_pk" PRIMARY KEY("dispute_id","line_id"),
	CONSTRAINT "trade_dispute_lines_numbers" CHECK ("trade_dispute_lines"."quantity" > 0 and "trade_dispute_lines"."loss_bp" between 0 and 10000 and "trade_dispute_lines"."frozen_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "trade_disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"state" "trade_dispute_state" DEFAULT 'awaiting_answer' NOT NULL,
	"remedy" "trade_remedy" NOT NULL,
	"frozen_fen" bigint NOT NULL,
	"asked_refund_fen" bigint NOT NULL,
	"counter_fen" bigint,
	"filed_by" uuid,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone,
	"escalated_by" "trade_party",
	"return_carrier" text,
	"return_tracking_no" text,
	"return_shipped_at" timestamp with time zone,
	"outcome_kind" "trade_outcome_kind",
	"outcome_refund_fen" bigint,
	"outcome_release_fen" bigint,
	"outcome_by" "trade_outcome_by",
	"pending" jsonb,
	"ruling_reason" text,
	"ruled_by" uuid,
	"replacement_due_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "trade_disputes_amounts" CHECK ("trade_disputes"."frozen_fen" > 0 and "trade_disputes"."asked_refund_fen" >= 0 and "trade_disputes"."asked_refund_fen" <= "trade_disputes"."frozen_fen" and ("trade_disputes"."counter_fen" is null or ("trade_disputes"."counter_fen" > 0 and "trade_disputes"."counter_fen" <= "trade_disputes"."frozen_fen"))),
	CONSTRAINT "trade_disputes_outcome" CHECK (("trade_disputes"."state" = 'closed') = ("trade_disputes"."outcome_kind" is not null) and ("trade_disputes"."outcome_kind" is null or ("trade_disputes"."outcome_refund_fen" >= 0 and "trade_disputes"."outcome_release_fen" >= 0 and "trade_disputes"."outcome_refund_fen" + "trade_disputes"."outcome_release_fen" = "trade_disputes"."frozen_fen" and "trade_disputes"."outcome_by" is not null)))
);
--> statement-breakpoint
CREATE TABLE "trade_inspection_items" (
	"order_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"carton" integer NOT NULL,
	"position" integer NOT NULL,
	"result" "trade_piece_result" NOT NULL,
	"photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_inspection_items_order_id_line_id_carton_position_pk" PRIMARY KEY("order_id","line_id","carton","position"),
	CONSTRAINT "trade_inspection_items_place" CHECK ("trade_inspection_items"."carton" >= 1 and "trade_inspection_items"."position" >= 1)
);
--> statement-breakpoint
CREATE TABLE "trade_inspections" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"sampling_bp" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"severe_pieces" integer DEFAULT 0 NOT NULL,
	"replacement_due_at" timestamp with time zone,
	"video_key" text,
	"updated_by" uuid,
	CONSTRAINT "trade_inspections_numbers" CHECK ("trade_inspections"."sampling_bp" between 1 and 10000 and "trade_inspections"."severe_pieces" >= 0)
);
--> statement-breakpoint
CREATE TABLE "trade_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"paid_fen" bigint DEFAULT 0 NOT NULL,
	"written_off_fen" bigint DEFAULT 0 NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"reminded_before_at" timestamp with time zone,
	"reminded_overdue_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "trade_invoices_amounts" CHECK ("trade_invoices"."amount_fen" > 0 and "trade_invoices"."paid_fen" >= 0 and "trade_invoices"."written_off_fen" >= 0 and "trade_invoices"."paid_fen" + "trade_invoices"."written_off_fen" <= "trade_invoices"."amount_fen"),
	CONSTRAINT "trade_invoices_due" CHECK ("trade_invoices"."due_at" > "trade_invoices"."issued_at"),
	CONSTRAINT "trade_invoices_closed" CHECK (("trade_invoices"."closed_at" is not null) = ("trade_invoices"."paid_fen" + "trade_invoices"."written_off_fen" = "trade_invoices"."amount_fen"))
);
--> statement-breakpoint
CREATE TABLE "trade_lot_terms" (
	"lot_id" uuid PRIMARY KEY NOT NULL,
	"step" integer DEFAULT 1 NOT NULL,
	"pieces_per_carton" integer DEFAULT 1 NOT NULL,
	"price_breaks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"samples_enabled" boolean DEFAULT false NOT NULL,
	"sample_price_fen" integer DEFAULT 5000 NOT NULL,
	"sample_pieces_max" integer DEFAULT 5 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_lot_terms_numbers" CHECK ("trade_lot_terms"."step" >= 1 and "trade_lot_terms"."pieces_per_carton" >= 1 and "trade_lot_terms"."sample_price_fen" >= 1 and "trade_lot_terms"."sample_pieces_max" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "trade_message_reads" (
	"conversation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_seq" integer DEFAULT 0 NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_message_reads_conversation_id_user_id_pk" PRIMARY KEY("conversation_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "trade_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"party" "trade_party" NOT NULL,
	"sender_user_id" uuid,
	"body" text DEFAULT '' NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_messages_seq" CHECK ("trade_messages"."seq" >= 1),
	CONSTRAINT "trade_messages_hash" CHECK (length("trade_messages"."hash") = 64)
);
--> statement-breakpoint
CREATE TABLE "trade_order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"from_state" "trade_order_state",
	"to_state" "trade_order_state" NOT NULL,
	"action" text NOT NULL,
	"actor" "trade_party" NOT NULL,
	"actor_user_id" uuid,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trade_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"price_break_min" integer,
	"goods_fen" bigint NOT NULL,
	"packaging" text[] DEFAULT '{}'::text[] NOT NULL,
	"packaging_fen" bigint DEFAULT 0 NOT NULL,
	"credit_fen" bigint DEFAULT 0 NOT NULL,
	"line_fen" bigint NOT NULL,
	"pieces_per_carton" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "trade_order_lines_amounts" CHECK ("trade_order_lines"."quantity" > 0 and "trade_order_lines"."unit_price_fen" > 0 and "trade_order_lines"."pieces_per_carton" >= 1 and "trade_order_lines"."goods_fen" = "trade_order_lines"."unit_price_fen"::bigint * "trade_order_lines"."quantity" and "trade_order_lines"."packaging_fen" >= 0 and "trade_order_lines"."line_fen" = "trade_order_lines"."goods_fen" + "trade_order_lines"."packaging_fen" and "trade_order_lines"."credit_fen" >= 0 and "trade_order_lines"."credit_fen" <= "trade_order_lines"."goods_fen")
);
--> statement-breakpoint
CREATE TABLE "trade_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"checkout_id" uuid NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"warehouse_province" text NOT NULL,
	"warehouse_city" text NOT NULL,
	"ship_to" jsonb NOT NULL,
	"state" "trade_order_state" DEFAULT 'pending_payment' NOT NULL,
	"payment_mode" "trade_payment_mode" DEFAULT 'escrow' NOT NULL,
	"goods_fen" bigint NOT NULL,
	"packaging_fen" bigint DEFAULT 0 NOT NULL,
	"freight_fen" bigint NOT NULL,
	"freight_market_fen" bigint NOT NULL,
	"carrier_quoted" text DEFAULT '' NOT NULL,
	"credit_fen" bigint DEFAULT 0 NOT NULL,
	"total_fen" bigint NOT NULL,
	"fee_bp" integer NOT NULL,
	"sealed_sample_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"packed_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"accepted_by_buyer_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_orders_amounts" CHECK ("trade_orders"."goods_fen" >= 0 and "trade_orders"."packaging_fen" >= 0 and "trade_orders"."freight_fen" >= 0 and "trade_orders"."freight_market_fen" >= 0 and "trade_orders"."credit_fen" >= 0 and "trade_orders"."credit_fen" <= "trade_orders"."goods_fen" and "trade_orders"."total_fen" = "trade_orders"."goods_fen" + "trade_orders"."packaging_fen" + "trade_orders"."freight_fen" - "trade_orders"."credit_fen"),
	CONSTRAINT "trade_orders_fee" CHECK ("trade_orders"."fee_bp" between 0 and 10000),
	CONSTRAINT "trade_orders_terms_no_credit" CHECK ("trade_orders"."payment_mode" = 'escrow' or "trade_orders"."credit_fen" = 0)
);
--> statement-breakpoint
CREATE TABLE "trade_parcels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"carrier" text NOT NULL,
	"tracking_no" text NOT NULL,
	"cartons" integer DEFAULT 1 NOT NULL,
	"shipped_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"replacement" boolean DEFAULT false NOT NULL,
	CONSTRAINT "trade_parcels_cartons" CHECK ("trade_parcels"."cartons" >= 1)
);
--> statement-breakpoint
CREATE TABLE "trade_payment_intents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "trade_intent_kind" NOT NULL,
	"ref_id" uuid NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"status" "trade_intent_status" DEFAULT 'created' NOT NULL,
	"provider_ref" text,
	"instructions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid,
	CONSTRAINT "trade_payment_intents_amount" CHECK ("trade_payment_intents"."amount_fen" > 0),
	CONSTRAINT "trade_payment_intents_confirmed" CHECK (("trade_payment_intents"."status" = 'confirmed') = ("trade_payment_intents"."confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "trade_refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"intent_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"reason" text NOT NULL,
	"status" "trade_refund_status" DEFAULT 'pending' NOT NULL,
	"provider_ref" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "trade_refunds_amount" CHECK ("trade_refunds"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "trade_repayment_allocations" (
	"repayment_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "trade_repayment_allocations_repayment_id_invoice_id_pk" PRIMARY KEY("repayment_id","invoice_id"),
	CONSTRAINT "trade_repayment_allocations_amount" CHECK ("trade_repayment_allocations"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "trade_repayments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"reference" text NOT NULL,
	"intent_id" uuid,
	"recorded_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_repayments_amount" CHECK ("trade_repayments"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "trade_sample_tags" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "trade_sample_tags_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sample_id" uuid NOT NULL,
	"piece" integer NOT NULL,
	"photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_sample_tags_piece" CHECK ("trade_sample_tags"."piece" >= 1)
);
--> statement-breakpoint
CREATE TABLE "trade_samples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"buyer_org_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"pieces" integer NOT NULL,
	"price_fen" integer NOT NULL,
	"fee_fen" bigint NOT NULL,
	"state" "trade_sample_state" DEFAULT 'pending_payment' NOT NULL,
	"ship_to" jsonb NOT NULL,
	"carrier" text,
	"tracking_no" text,
	"reject_reason" text,
	"review_photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"credit_used_by" uuid,
	"due_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_samples_amounts" CHECK ("trade_samples"."pieces" between 1 and 100 and "trade_samples"."price_fen" > 0 and "trade_samples"."fee_fen" = "trade_samples"."price_fen"::bigint * "trade_samples"."pieces")
);
--> statement-breakpoint
CREATE TABLE "trade_sealed_references" (
	"sample_id" uuid PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"snapshot" jsonb NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trade_cart_lines" ADD CONSTRAINT "trade_cart_lines_buyer_org_id_trade_carts_buyer_org_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."trade_carts"("buyer_org_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_cart_lines" ADD CONSTRAINT "trade_cart_lines_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_carts" ADD CONSTRAINT "trade_carts_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_checkouts" ADD CONSTRAINT "trade_checkouts_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_checkouts" ADD CONSTRAINT "trade_checkouts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_conversations" ADD CONSTRAINT "trade_conversations_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_conversations" ADD CONSTRAINT "trade_conversations_supplier_id_orgs_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_credit_accounts" ADD CONSTRAINT "trade_credit_accounts_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_credit_accounts" ADD CONSTRAINT "trade_credit_accounts_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_credit_changes" ADD CONSTRAINT "trade_credit_changes_buyer_org_id_trade_credit_accounts_buyer_org_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."trade_credit_accounts"("buyer_org_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_credit_changes" ADD CONSTRAINT "trade_credit_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD CONSTRAINT "trade_dispute_evidence_dispute_id_trade_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."trade_disputes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD CONSTRAINT "trade_dispute_evidence_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_dispute_lines" ADD CONSTRAINT "trade_dispute_lines_dispute_id_trade_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."trade_disputes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_dispute_lines" ADD CONSTRAINT "trade_dispute_lines_line_id_trade_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."trade_order_lines"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_disputes" ADD CONSTRAINT "trade_disputes_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_disputes" ADD CONSTRAINT "trade_disputes_filed_by_users_id_fk" FOREIGN KEY ("filed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_disputes" ADD CONSTRAINT "trade_disputes_ruled_by_users_id_fk" FOREIGN KEY ("ruled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_inspection_items" ADD CONSTRAINT "trade_inspection_items_order_id_trade_inspections_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_inspections"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_inspection_items" ADD CONSTRAINT "trade_inspection_items_line_id_trade_order_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."trade_order_lines"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_inspections" ADD CONSTRAINT "trade_inspections_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_inspections" ADD CONSTRAINT "trade_inspections_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_invoices" ADD CONSTRAINT "trade_invoices_buyer_org_id_trade_credit_accounts_buyer_org_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."trade_credit_accounts"("buyer_org_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_invoices" ADD CONSTRAINT "trade_invoices_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_lot_terms" ADD CONSTRAINT "trade_lot_terms_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_message_reads" ADD CONSTRAINT "trade_message_reads_conversation_id_trade_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."trade_conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_message_reads" ADD CONSTRAINT "trade_message_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_messages" ADD CONSTRAINT "trade_messages_conversation_id_trade_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."trade_conversations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_messages" ADD CONSTRAINT "trade_messages_sender_user_id_users_id_fk" FOREIGN KEY ("sender_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_order_events" ADD CONSTRAINT "trade_order_events_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_order_events" ADD CONSTRAINT "trade_order_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_order_lines" ADD CONSTRAINT "trade_order_lines_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_order_lines" ADD CONSTRAINT "trade_order_lines_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_orders" ADD CONSTRAINT "trade_orders_checkout_id_trade_checkouts_id_fk" FOREIGN KEY ("checkout_id") REFERENCES "public"."trade_checkouts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_orders" ADD CONSTRAINT "trade_orders_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_orders" ADD CONSTRAINT "trade_orders_supplier_id_orgs_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_orders" ADD CONSTRAINT "trade_orders_sealed_sample_id_trade_samples_id_fk" FOREIGN KEY ("sealed_sample_id") REFERENCES "public"."trade_samples"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_parcels" ADD CONSTRAINT "trade_parcels_order_id_trade_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_payment_intents" ADD CONSTRAINT "trade_payment_intents_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_payment_intents" ADD CONSTRAINT "trade_payment_intents_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_refunds" ADD CONSTRAINT "trade_refunds_intent_id_trade_payment_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."trade_payment_intents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_repayment_allocations" ADD CONSTRAINT "trade_repayment_allocations_repayment_id_trade_repayments_id_fk" FOREIGN KEY ("repayment_id") REFERENCES "public"."trade_repayments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_repayment_allocations" ADD CONSTRAINT "trade_repayment_allocations_invoice_id_trade_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."trade_invoices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_repayments" ADD CONSTRAINT "trade_repayments_buyer_org_id_trade_credit_accounts_buyer_org_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."trade_credit_accounts"("buyer_org_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_repayments" ADD CONSTRAINT "trade_repayments_intent_id_trade_payment_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."trade_payment_intents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_repayments" ADD CONSTRAINT "trade_repayments_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_sample_tags" ADD CONSTRAINT "trade_sample_tags_sample_id_trade_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."trade_samples"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_samples" ADD CONSTRAINT "trade_samples_buyer_org_id_orgs_id_fk" FOREIGN KEY ("buyer_org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_samples" ADD CONSTRAINT "trade_samples_supplier_id_orgs_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_samples" ADD CONSTRAINT "trade_samples_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_samples" ADD CONSTRAINT "trade_samples_credit_used_by_trade_orders_id_fk" FOREIGN KEY ("credit_used_by") REFERENCES "public"."trade_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_sealed_references" ADD CONSTRAINT "trade_sealed_references_sample_id_trade_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."trade_samples"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_sealed_references" ADD CONSTRAINT "trade_sealed_references_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trade_checkouts_key" ON "trade_checkouts" USING btree ("buyer_org_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_conversations_subject_key" ON "trade_conversations" USING btree ("kind","subject_id");--> statement-breakpoint
CREATE INDEX "trade_conversations_buyer_idx" ON "trade_conversations" USING btree ("buyer_org_id");--> statement-breakpoint
CREATE INDEX "trade_conversations_supplier_idx" ON "trade_conversations" USING btree ("supplier_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_credit_accounts_uscc_key" ON "trade_credit_accounts" USING btree ("uscc");--> statement-breakpoint
CREATE INDEX "trade_credit_changes_buyer_idx" ON "trade_credit_changes" USING btree ("buyer_org_id","at");--> statement-breakpoint
CREATE INDEX "trade_dispute_evidence_dispute_idx" ON "trade_dispute_evidence" USING btree ("dispute_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_disputes_order_key" ON "trade_disputes" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "trade_disputes_state_idx" ON "trade_disputes" USING btree ("state","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_invoices_number_key" ON "trade_invoices" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_invoices_order_key" ON "trade_invoices" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "trade_invoices_open_idx" ON "trade_invoices" USING btree ("buyer_org_id","due_at") WHERE "trade_invoices"."closed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "trade_messages_seq_key" ON "trade_messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE INDEX "trade_order_events_order_idx" ON "trade_order_events" USING btree ("order_id","at");--> statement-breakpoint
CREATE INDEX "trade_order_lines_order_idx" ON "trade_order_lines" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "trade_order_lines_lot_idx" ON "trade_order_lines" USING btree ("lot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_order_lines_order_lot_key" ON "trade_order_lines" USING btree ("order_id","lot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_orders_number_key" ON "trade_orders" USING btree ("number");--> statement-breakpoint
CREATE INDEX "trade_orders_buyer_idx" ON "trade_orders" USING btree ("buyer_org_id","created_at");--> statement-breakpoint
CREATE INDEX "trade_orders_supplier_idx" ON "trade_orders" USING btree ("supplier_id","state","created_at");--> statement-breakpoint
CREATE INDEX "trade_orders_checkout_idx" ON "trade_orders" USING btree ("checkout_id");--> statement-breakpoint
CREATE INDEX "trade_orders_due_idx" ON "trade_orders" USING btree ("due_at") WHERE "trade_orders"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "trade_parcels_order_idx" ON "trade_parcels" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_parcels_tracking_key" ON "trade_parcels" USING btree ("carrier","tracking_no");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_payment_intents_key" ON "trade_payment_intents" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_payment_intents_provider_ref" ON "trade_payment_intents" USING btree ("provider","provider_ref") WHERE "trade_payment_intents"."provider_ref" is not null;--> statement-breakpoint
CREATE INDEX "trade_payment_intents_ref_idx" ON "trade_payment_intents" USING btree ("kind","ref_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_refunds_key" ON "trade_refunds" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "trade_refunds_intent_idx" ON "trade_refunds" USING btree ("intent_id");--> statement-breakpoint
CREATE INDEX "trade_repayments_buyer_idx" ON "trade_repayments" USING btree ("buyer_org_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_repayments_reference_key" ON "trade_repayments" USING btree ("buyer_org_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_sample_tags_piece_key" ON "trade_sample_tags" USING btree ("sample_id","piece");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_samples_number_key" ON "trade_samples" USING btree ("number");--> statement-breakpoint
CREATE INDEX "trade_samples_buyer_idx" ON "trade_samples" USING btree ("buyer_org_id","lot_id","created_at");--> statement-breakpoint
CREATE INDEX "trade_samples_supplier_idx" ON "trade_samples" USING btree ("supplier_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "trade_samples_open_key" ON "trade_samples" USING btree ("buyer_org_id","lot_id") WHERE "trade_samples"."state" in ('pending_payment', 'paid', 'shipped', 'delivered');--> statement-breakpoint
CREATE UNIQUE INDEX "trade_samples_credit_key" ON "trade_samples" USING btree ("credit_used_by") WHERE "trade_samples"."credit_used_by" is not null;--> statement-breakpoint
CREATE INDEX "trade_samples_due_idx" ON "trade_samples" USING btree ("due_at") WHERE "trade_samples"."due_at" is not null;