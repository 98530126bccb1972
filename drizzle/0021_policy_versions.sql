CREATE TABLE "policy_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"overrides" jsonb NOT NULL,
	"changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_versions_version_positive" CHECK ("policy_versions"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Overrides kept until now in settings (scope 'policy', one row per section) become version 1.
INSERT INTO "policy_versions" ("version", "overrides", "reason", "created_by", "created_at")
SELECT 1, jsonb_object_agg("key", "value"), 'migrated from settings', NULL, max("updated_at")
FROM "settings" WHERE "scope" = 'policy'
HAVING count(*) > 0;
--> statement-breakpoint
DELETE FROM "settings" WHERE "scope" = 'policy';
