-- The app's tables, written by ownit from the Base44 entity schemas (the same tables `ownit restore` creates).
-- `npm run db:setup` runs this on an empty database.

CREATE TABLE "public"."users" (
  "id" text PRIMARY KEY,
  "email" text NOT NULL UNIQUE,
  "full_name" text,
  "role" text NOT NULL DEFAULT 'user',
  "disabled" boolean,
  "is_verified" boolean,
  "created_date" timestamptz NOT NULL,
  "updated_date" timestamptz NOT NULL,
  "_extra" jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE "public"."users" IS 'Base44 entity User';
COMMENT ON COLUMN "public"."users"."_extra" IS 'fields the entity schema does not declare, and values that do not fit their column''s type';
CREATE INDEX "users_created_date_idx" ON "public"."users" ("created_date" DESC);

CREATE TABLE "public"."deal" (
  "id" text PRIMARY KEY,
  "created_date" timestamptz NOT NULL,
  "updated_date" timestamptz NOT NULL,
  "created_by" text,
  "created_by_id" text,
  "is_sample" boolean,
  "_extra" jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE "public"."deal" IS 'Base44 entity Deal';
COMMENT ON COLUMN "public"."deal"."_extra" IS 'fields the entity schema does not declare, and values that do not fit their column''s type';
CREATE INDEX "deal_created_date_idx" ON "public"."deal" ("created_date" DESC);
CREATE INDEX "deal_created_by_idx" ON "public"."deal" ("created_by");

CREATE TABLE "public"."lead" (
  "id" text PRIMARY KEY,
  "created_date" timestamptz NOT NULL,
  "updated_date" timestamptz NOT NULL,
  "created_by" text,
  "created_by_id" text,
  "is_sample" boolean,
  "_extra" jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE "public"."lead" IS 'Base44 entity Lead';
COMMENT ON COLUMN "public"."lead"."_extra" IS 'fields the entity schema does not declare, and values that do not fit their column''s type';
CREATE INDEX "lead_created_date_idx" ON "public"."lead" ("created_date" DESC);
CREATE INDEX "lead_created_by_idx" ON "public"."lead" ("created_by");
