CREATE TABLE "ticket_element_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"element_id" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_element_visits_open_key" ON "ticket_element_visits" USING btree ("ticket_id") WHERE "ticket_element_visits"."left_at" is null;--> statement-breakpoint
CREATE INDEX "ticket_element_visits_element_idx" ON "ticket_element_visits" USING btree ("element_id","entered_at","left_at","ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_order_idx" ON "ticket_events" USING btree ("ticket_id","at","id","element_id");--> statement-breakpoint
CREATE INDEX "ticket_events_flagged_at_idx" ON "ticket_events" USING btree ("at","element_id") WHERE "ticket_events"."action" like '%breach%' or "ticket_events"."action" like '%escalat%';--> statement-breakpoint
CREATE INDEX "tickets_open_idx" ON "tickets" USING btree ("id") WHERE "tickets"."stage" <> 'closed';--> statement-breakpoint
-- Visits from the events alone: a visit starts at an event whose element differs from the
-- ticket's previous event, and ends where the next visit starts. Used once below, and by
-- anyone who loads events in bulk with the trigger disabled (bench/process-stats.ts).
CREATE FUNCTION "rebuild_ticket_element_visits"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM ticket_element_visits;
  INSERT INTO ticket_element_visits (ticket_id, element_id, entered_at, left_at)
  SELECT ticket_id, element_id, at, lead(at) OVER (PARTITION BY ticket_id ORDER BY at, id)
  FROM (
    SELECT ticket_id, element_id, at, id,
           element_id IS DISTINCT FROM lag(element_id) OVER (PARTITION BY ticket_id ORDER BY at, id) AS enters
    FROM ticket_events
  ) e
  WHERE enters;
$$;
--> statement-breakpoint
-- Every recorded event (a deduplicated retry inserts nothing and fires nothing) ends the
-- ticket's open visit if it is at another element, and opens the visit of its own element.
CREATE FUNCTION "ticket_events_track_visit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ticket_element_visits SET left_at = NEW.at
   WHERE ticket_id = NEW.ticket_id AND left_at IS NULL AND element_id <> NEW.element_id;
  INSERT INTO ticket_element_visits (ticket_id, element_id, entered_at)
  VALUES (NEW.ticket_id, NEW.element_id, NEW.at)
  ON CONFLICT (ticket_id) WHERE left_at IS NULL DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "ticket_events_track_visit" AFTER INSERT ON "ticket_events" FOR EACH ROW EXECUTE FUNCTION "ticket_events_track_visit"();
--> statement-breakpoint
SELECT "rebuild_ticket_element_visits"();
