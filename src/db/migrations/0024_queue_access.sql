CREATE TABLE "queue_access" (
	"group_id" integer NOT NULL,
	"queue_id" integer NOT NULL,
	"level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_access_group_id_queue_id_pk" PRIMARY KEY("group_id","queue_id"),
	CONSTRAINT "queue_access_level" CHECK ("queue_access"."level" in ('overview', 'take', 'act', 'manage'))
);
--> statement-breakpoint
ALTER TABLE "queue_access" ADD CONSTRAINT "queue_access_group_id_operator_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."operator_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_access" ADD CONSTRAINT "queue_access_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hand-written from here. Existing desks keep what they had: a queue's own group took and worked its
-- tickets (act), and every signed-in member of staff saw any queue's blind listing (overview).
INSERT INTO "queue_access" ("group_id", "queue_id", "level") SELECT "group_id", "id", 'act' FROM "queues" ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "queue_access" ("group_id", "queue_id", "level") SELECT g."id", q."id", 'overview' FROM "operator_groups" g CROSS JOIN "queues" q WHERE g."id" <> q."group_id" ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Queues and groups made later (by the seed, by SQL) get what they would have had before grants: a queue
-- is worked by its own group and overviewed by every other; a new group overviews every queue.
CREATE FUNCTION "grant_new_queue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_access (group_id, queue_id, level) VALUES (NEW.group_id, NEW.id, 'act')
    ON CONFLICT (group_id, queue_id) DO UPDATE SET level = 'act', updated_at = now() WHERE queue_access.level = 'overview';
  INSERT INTO queue_access (group_id, queue_id, level) SELECT g.id, NEW.id, 'overview' FROM operator_groups g
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "queues_grant_access" AFTER INSERT OR UPDATE OF "group_id" ON "queues" FOR EACH ROW EXECUTE FUNCTION "grant_new_queue"();
--> statement-breakpoint
CREATE FUNCTION "grant_new_group"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_access (group_id, queue_id, level) SELECT NEW.id, q.id, 'overview' FROM queues q ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "operator_groups_grant_access" AFTER INSERT ON "operator_groups" FOR EACH ROW EXECUTE FUNCTION "grant_new_group"();
