-- Tickets filed before keep the client category they were routed and timed by: confirmed.
ALTER TABLE "tickets" ADD COLUMN "client_confirmed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- From now on a ticket is confirmed only when intake says so (staff filed it, or the link was opened).
ALTER TABLE "tickets" ALTER COLUMN "client_confirmed" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "client_confirmation_token" text;
--> statement-breakpoint
-- Who changed who may do what, and failed sign-ins: appended only.
CREATE TABLE "staff_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"address" text
);
--> statement-breakpoint
CREATE INDEX "staff_audit_log_target_idx" ON "staff_audit_log" USING btree ("target","id");--> statement-breakpoint
-- The process statistics filter by the client category a ticket runs under, as routing and SLA do
-- (src/repositories/clients.ts, decidingClientCategory): a one-time client's until its client is confirmed.
CREATE FUNCTION "deciding_client_category"(confirmed boolean, category text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN confirmed THEN category ELSE 'one_time' END;
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "rebuild_ticket_visits"(ticket bigint, process text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM ticket_element_visits WHERE ticket_id = ticket AND process_id = process;
  INSERT INTO ticket_element_visits (ticket_id, process_id, element_id, entered_at, left_at, queue_id, category, client_category)
  SELECT e.ticket_id, e.process_id, e.element_id, e.at, lead(e.at) OVER (ORDER BY e.at, e.id), t.queue_id, t.category,
         deciding_client_category(t.client_confirmed, c.category)
  FROM (
    SELECT ticket_id, process_id, element_id, at, id, element_id IS DISTINCT FROM lag(element_id) OVER (ORDER BY at, id) AS enters
    FROM ticket_events WHERE ticket_id = ticket AND process_id = process
  ) e
  LEFT JOIN tickets t ON t.id = e.ticket_id
  LEFT JOIN clients c ON c.id = t.client_id
  WHERE e.enters;
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "ticket_events_track_visit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket record;
  latest record;
BEGIN
  PERFORM 1 FROM tickets WHERE id = NEW.ticket_id FOR NO KEY UPDATE;
  SELECT t.queue_id, t.category, deciding_client_category(t.client_confirmed, c.category) AS client_category INTO ticket
    FROM tickets t JOIN clients c ON c.id = t.client_id WHERE t.id = NEW.ticket_id;
  SELECT e.at, e.id INTO latest FROM ticket_events e
   WHERE e.ticket_id = NEW.ticket_id AND e.process_id = NEW.process_id AND e.id <> NEW.id
   ORDER BY e.at DESC, e.id DESC LIMIT 1;
  IF FOUND AND (latest.at, latest.id) > (NEW.at, NEW.id) THEN
    PERFORM rebuild_ticket_visits(NEW.ticket_id, NEW.process_id);
  ELSE
    UPDATE ticket_element_visits SET left_at = NEW.at
     WHERE ticket_id = NEW.ticket_id AND process_id = NEW.process_id AND left_at IS NULL AND element_id <> NEW.element_id;
    INSERT INTO ticket_element_visits (ticket_id, process_id, element_id, entered_at, queue_id, category, client_category)
    VALUES (NEW.ticket_id, NEW.process_id, NEW.element_id, NEW.at, ticket.queue_id, ticket.category, ticket.client_category)
    ON CONFLICT (ticket_id, process_id) WHERE left_at IS NULL DO NOTHING;
  END IF;
  IF NEW.action LIKE '%breach%' OR NEW.action LIKE '%escalat%' THEN
    INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits, breaches, escalations)
    VALUES ((NEW.at AT TIME ZONE 'UTC')::date, NEW.process_id, NEW.element_id, coalesce(ticket.queue_id, 0), coalesce(ticket.category, ''),
            coalesce(ticket.client_category, ''), NULL, 0, (NEW.action LIKE '%breach%')::int, (NEW.action LIKE '%escalat%')::int);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "tickets_restate_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_client_category text := deciding_client_category(OLD.client_confirmed, (SELECT category FROM clients WHERE id = OLD.client_id));
  new_client_category text := deciding_client_category(NEW.client_confirmed, (SELECT category FROM clients WHERE id = NEW.client_id));
BEGIN
  UPDATE ticket_element_visits SET queue_id = NEW.queue_id, category = NEW.category, client_category = new_client_category
   WHERE ticket_id = NEW.id AND (queue_id, category, client_category) IS DISTINCT FROM (NEW.queue_id, NEW.category, new_client_category);
  PERFORM restate_ticket_flags(NEW.id, OLD.queue_id, OLD.category, old_client_category, NEW.queue_id, NEW.category, new_client_category);
  RETURN NULL;
END
$$;--> statement-breakpoint
-- A ticket whose client is confirmed takes its visits and flags to the client's category too.
DROP TRIGGER "tickets_restate_visits" ON "tickets";--> statement-breakpoint
CREATE TRIGGER "tickets_restate_visits" AFTER UPDATE OF "queue_id", "category", "client_id", "client_confirmed" ON "tickets" FOR EACH ROW
  WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category IS DISTINCT FROM NEW.category OR OLD.client_id IS DISTINCT FROM NEW.client_id
        OR OLD.client_confirmed IS DISTINCT FROM NEW.client_confirmed)
  EXECUTE FUNCTION "tickets_restate_visits"();--> statement-breakpoint
-- A client put in another category: only the tickets of theirs that run under it (confirmed) move.
CREATE OR REPLACE FUNCTION "clients_restate_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket record;
BEGIN
  FOR ticket IN SELECT id, queue_id, category FROM tickets WHERE client_id = NEW.id AND client_confirmed ORDER BY id FOR NO KEY UPDATE LOOP
    UPDATE ticket_element_visits SET client_category = NEW.category WHERE ticket_id = ticket.id AND client_category IS DISTINCT FROM NEW.category;
    PERFORM restate_ticket_flags(ticket.id, ticket.queue_id, ticket.category, OLD.category, ticket.queue_id, ticket.category, NEW.category);
  END LOOP;
  RETURN NULL;
END
$$;
