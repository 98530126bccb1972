CREATE TYPE "public"."upload_status" AS ENUM('uploading', 'complete', 'rejected', 'expired');--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purpose" text NOT NULL,
	"ref_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid,
	"token_id" uuid,
	"name" text NOT NULL,
	"mime" text NOT NULL,
	"size" bigint NOT NULL,
	"offset" bigint DEFAULT 0 NOT NULL,
	"parts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "upload_status" DEFAULT 'uploading' NOT NULL,
	"key" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "uploads_offset_ck" CHECK ("uploads"."offset" >= 0 and "uploads"."offset" <= "uploads"."size"),
	CONSTRAINT "uploads_size_ck" CHECK ("uploads"."size" > 0),
	CONSTRAINT "uploads_complete_ck" CHECK (("uploads"."status" = 'complete') = ("uploads"."key" is not null))
);
--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "uploads_expiry_idx" ON "uploads" USING btree ("expires_at") WHERE status = 'uploading';--> statement-breakpoint
CREATE INDEX "uploads_ref_idx" ON "uploads" USING btree ("purpose","ref_id");