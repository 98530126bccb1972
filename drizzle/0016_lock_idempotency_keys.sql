CREATE TABLE "lock_idempotency_keys" (
	"show_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"lock_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lock_idempotency_keys_pkey" PRIMARY KEY("show_id","key")
);
--> statement-breakpoint
ALTER TABLE "lock_idempotency_keys" ADD CONSTRAINT "lock_idempotency_keys_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_idempotency_keys" ADD CONSTRAINT "lock_idempotency_keys_lock_id_stock_locks_id_fk" FOREIGN KEY ("lock_id") REFERENCES "public"."stock_locks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lock_idempotency_keys_expiry_idx" ON "lock_idempotency_keys" USING btree ("expires_at");