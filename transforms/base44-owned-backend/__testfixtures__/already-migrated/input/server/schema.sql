-- The app's tables, written by ownit from the Base44 entity schemas (the same tables `ownit restore` creates).
-- `npm run db:setup` runs this on an empty database.

CREATE TABLE "public"."users" (
  "id" text PRIMARY KEY,
  "email" text NOT NULL UNIQUE,
  "full_name" text,
  "role" text NOT NULL DEFAULT 'user',
  "disabled" boolean,
  "is_verified" boolean,
  "phone" text,
  "created_date" timestamptz NOT NULL,
  "updated_date" timestamptz NOT NULL,
  "_extra" jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE "public"."users" IS 'Base44 entity User';
COMMENT ON COLUMN "public"."users"."_extra" IS 'fields the entity schema does not declare, and values that do not fit their column''s type';
CREATE INDEX "users_created_date_idx" ON "public"."users" ("created_date" DESC);

CREATE TABLE "public"."order" (
  "id" text PRIMARY KEY,
  "customer" text NOT NULL,
  "pickup_on" date,
  "items" jsonb,
  "total" double precision,
  "status" text DEFAULT 'new' CHECK ("status" IN ('new', 'baking', 'ready')),
  "internal_note" text,
  "created_date" timestamptz NOT NULL,
  "updated_date" timestamptz NOT NULL,
  "created_by" text,
  "created_by_id" text,
  "is_sample" boolean,
  "_extra" jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE "public"."order" IS 'Base44 entity Order';
COMMENT ON COLUMN "public"."order"."_extra" IS 'fields the entity schema does not declare, and values that do not fit their column''s type';
CREATE INDEX "order_created_date_idx" ON "public"."order" ("created_date" DESC);
CREATE INDEX "order_created_by_idx" ON "public"."order" ("created_by");
