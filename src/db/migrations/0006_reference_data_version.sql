CREATE TABLE "reference_data_version" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reference_data_version_one_row" CHECK ("reference_data_version"."id" = 1)
);
--> statement-breakpoint
-- Hand-written from here: the one row, and the triggers that move it.
INSERT INTO "reference_data_version" ("id", "version") VALUES (1, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Bumped in the writer's own transaction: a reader that sees the new version also sees the change.
CREATE FUNCTION "bump_reference_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_data_version SET version = version + 1, changed_at = now() WHERE id = 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "classification_rules_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "classification_rules" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "category_models_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "category_models" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "catalog_services_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "catalog_services" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "queues_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "queues" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "operator_groups_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "operator_groups" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "sla_agreements_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sla_agreements" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "business_calendars_bump_reference" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "business_calendars" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
