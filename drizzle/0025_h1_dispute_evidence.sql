ALTER TABLE "trade_dispute_evidence" ALTER COLUMN "kind" SET DATA TYPE text;--> statement-breakpoint
DROP TYPE "public"."trade_evidence_kind";--> statement-breakpoint
CREATE TYPE "public"."trade_evidence_kind" AS ENUM('photo', 'video', 'pdf');--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ALTER COLUMN "kind" SET DATA TYPE "public"."trade_evidence_kind" USING "kind"::"public"."trade_evidence_kind";--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD COLUMN "upload_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD COLUMN "name" text NOT NULL;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD COLUMN "org_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "trade_disputes" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD CONSTRAINT "trade_dispute_evidence_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trade_dispute_evidence" ADD CONSTRAINT "trade_dispute_evidence_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trade_dispute_evidence_upload_key" ON "trade_dispute_evidence" USING btree ("upload_id");