CREATE TABLE "process_stat_counts" (
	"process_id" text NOT NULL,
	"all_tickets" boolean NOT NULL,
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"element_id" text NOT NULL,
	"queue_id" integer NOT NULL,
	"category" text NOT NULL,
	"client_category" text NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"breaches" integer DEFAULT 0 NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "process_stat_counts_pkey" PRIMARY KEY("process_id","all_tickets","grain","day","element_id","queue_id","category","client_category") INCLUDE ("visits","breaches","escalations")
);
--> statement-breakpoint
CREATE TABLE "process_stat_deltas" (
	"day" date NOT NULL,
	"process_id" text NOT NULL,
	"element_id" text NOT NULL,
	"queue_id" integer NOT NULL,
	"category" text NOT NULL,
	"client_category" text NOT NULL,
	"bucket" smallint,
	"visits" integer DEFAULT 0 NOT NULL,
	"breaches" integer DEFAULT 0 NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "process_stat_durations" (
	"process_id" text NOT NULL,
	"all_tickets" boolean NOT NULL,
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"element_id" text NOT NULL,
	"queue_id" integer NOT NULL,
	"category" text NOT NULL,
	"client_category" text NOT NULL,
	"bucket" smallint NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "process_stat_durations_pkey" PRIMARY KEY("process_id","all_tickets","grain","day","element_id","queue_id","category","client_category","bucket") INCLUDE ("visits")
);
--> statement-breakpoint
-- Hand-written: the summary's keys INCLUDE the figures (above), so a statistics query reads them from the index
-- alone; vacuumed often enough that the visibility map keeps up with the folds.
ALTER TABLE "process_stat_counts" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);--> statement-breakpoint
ALTER TABLE "process_stat_durations" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);--> statement-breakpoint
DROP INDEX "ticket_events_ticket_order_idx";--> statement-breakpoint
DROP INDEX "ticket_element_visits_open_key";--> statement-breakpoint
DROP INDEX "ticket_element_visits_element_idx";--> statement-breakpoint
-- Hand-written from here on (the generated ADD COLUMN ... NOT NULL statements could not run on rows already there).
-- Each event belongs to the process whose diagram has its element (src/domain/process.ts: TicketElement,
-- EscalationElement). Every element recorded so far that is not an SLA one was counted in the ticket
-- lifecycle, and stays there.
ALTER TABLE "ticket_events" ADD COLUMN "process_id" text;--> statement-breakpoint
UPDATE "ticket_events" SET "process_id" = CASE WHEN "element_id" IN (
  'sla_started', 'sla_clock', 'sla_warning', 'notify_assignee', 'assignee_warned', 'sla_breached', 'notify_manager',
  'manager_notified', 'escalate_level_1', 'escalate_level_2', 'escalate_level_3', 'escalation_done', 'manual_escalation',
  'escalate_to_next_line', 'escalated_manually', 'sla_met'
) THEN 'sla_escalation' ELSE 'ticket_lifecycle' END;--> statement-breakpoint
ALTER TABLE "ticket_events" ALTER COLUMN "process_id" SET NOT NULL;--> statement-breakpoint
-- Visits are rebuilt per (ticket, process) below.
DROP TRIGGER "ticket_events_track_visit" ON "ticket_events";--> statement-breakpoint
TRUNCATE "ticket_element_visits";--> statement-breakpoint
ALTER TABLE "ticket_element_visits" ADD COLUMN "process_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_element_visits" ADD COLUMN "queue_id" integer;--> statement-breakpoint
ALTER TABLE "ticket_element_visits" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "ticket_element_visits" ADD COLUMN "client_category" text;--> statement-breakpoint
CREATE INDEX "ticket_element_visits_ticket_idx" ON "ticket_element_visits" USING btree ("ticket_id","process_id","entered_at");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_process_order_idx" ON "ticket_events" USING btree ("ticket_id","process_id","at","id","element_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_element_visits_open_key" ON "ticket_element_visits" USING btree ("ticket_id","process_id") WHERE "ticket_element_visits"."left_at" is null;--> statement-breakpoint
CREATE INDEX "ticket_element_visits_period_idx" ON "ticket_element_visits" USING btree ("process_id","entered_at","element_id","left_at","queue_id","category","client_category");--> statement-breakpoint
-- The duration histogram's bucket of a duration in ms: k holds (γ^(k-1), γ^k] with γ = 1.02 / 0.98, so the
-- bucket's representative 2γ^k / (γ + 1) is within 2 % of every duration in it; -32768 holds 0.
-- src/domain/duration-histogram.ts reads buckets with the same γ.
CREATE FUNCTION "process_stat_bucket"(duration_ms double precision) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN duration_ms <= 0 THEN -32768
              ELSE greatest(-32767, least(32767, ceil(ln(duration_ms) / ln(1.02::float8 / 0.98::float8))))::smallint END
$$;--> statement-breakpoint
-- What one visit adds to the summary (sign 1): a visit begun on its UTC day and, once it has ended, a
-- duration in its bucket (for rebuilding the summary in bulk; the trigger below does the same row by row).
CREATE FUNCTION "visit_stat_contribution"(v "ticket_element_visits", sign integer) RETURNS SETOF "process_stat_deltas"
LANGUAGE sql IMMUTABLE AS $$
  SELECT (v.entered_at AT TIME ZONE 'UTC')::date, v.process_id, v.element_id, coalesce(v.queue_id, 0), coalesce(v.category, ''),
         coalesce(v.client_category, ''), NULL::smallint, sign, 0, 0
  WHERE v.id IS NOT NULL
  UNION ALL
  SELECT (v.entered_at AT TIME ZONE 'UTC')::date, v.process_id, v.element_id, coalesce(v.queue_id, 0), coalesce(v.category, ''),
         coalesce(v.client_category, ''), process_stat_bucket(extract(epoch FROM v.left_at - v.entered_at)::float8 * 1000), sign, 0, 0
  WHERE v.left_at IS NOT NULL
$$;--> statement-breakpoint
-- Every change of a visit (opened, closed, restated to the ticket's new queue, rebuilt) appends its
-- difference to the deltas: appends only, so concurrent writers never wait on a summary row. Closing a
-- visit (the common change) appends one row: its duration's bucket.
CREATE FUNCTION "ticket_element_visits_stat_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := TG_OP <> 'UPDATE' OR (OLD.process_id, OLD.element_id, OLD.entered_at, OLD.queue_id, OLD.category, OLD.client_category)
                   IS DISTINCT FROM (NEW.process_id, NEW.element_id, NEW.entered_at, NEW.queue_id, NEW.category, NEW.client_category);
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF moved THEN
      INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits)
      VALUES ((OLD.entered_at AT TIME ZONE 'UTC')::date, OLD.process_id, OLD.element_id, coalesce(OLD.queue_id, 0), coalesce(OLD.category, ''), coalesce(OLD.client_category, ''), NULL, -1);
    END IF;
    IF OLD.left_at IS NOT NULL AND (moved OR OLD.left_at IS DISTINCT FROM NEW.left_at) THEN
      INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits)
      VALUES ((OLD.entered_at AT TIME ZONE 'UTC')::date, OLD.process_id, OLD.element_id, coalesce(OLD.queue_id, 0), coalesce(OLD.category, ''), coalesce(OLD.client_category, ''),
              process_stat_bucket(extract(epoch FROM OLD.left_at - OLD.entered_at)::float8 * 1000), -1);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF moved THEN
      INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits)
      VALUES ((NEW.entered_at AT TIME ZONE 'UTC')::date, NEW.process_id, NEW.element_id, coalesce(NEW.queue_id, 0), coalesce(NEW.category, ''), coalesce(NEW.client_category, ''), NULL, 1);
    END IF;
    IF NEW.left_at IS NOT NULL AND (moved OR OLD.left_at IS DISTINCT FROM NEW.left_at) THEN
      INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits)
      VALUES ((NEW.entered_at AT TIME ZONE 'UTC')::date, NEW.process_id, NEW.element_id, coalesce(NEW.queue_id, 0), coalesce(NEW.category, ''), coalesce(NEW.client_category, ''),
              process_stat_bucket(extract(epoch FROM NEW.left_at - NEW.entered_at)::float8 * 1000), 1);
    END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "ticket_element_visits_stat_deltas" AFTER INSERT OR UPDATE OR DELETE ON "ticket_element_visits" FOR EACH ROW EXECUTE FUNCTION "ticket_element_visits_stat_deltas"();--> statement-breakpoint
-- One ticket's visits in one process, from its events alone: a visit starts at an event whose element
-- differs from the previous event's (in that process), and ends where the next visit starts.
CREATE FUNCTION "rebuild_ticket_visits"(ticket bigint, process text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM ticket_element_visits WHERE ticket_id = ticket AND process_id = process;
  INSERT INTO ticket_element_visits (ticket_id, process_id, element_id, entered_at, left_at, queue_id, category, client_category)
  SELECT e.ticket_id, e.process_id, e.element_id, e.at, lead(e.at) OVER (ORDER BY e.at, e.id), t.queue_id, t.category, c.category
  FROM (
    SELECT ticket_id, process_id, element_id, at, id, element_id IS DISTINCT FROM lag(element_id) OVER (ORDER BY at, id) AS enters
    FROM ticket_events WHERE ticket_id = ticket AND process_id = process
  ) e
  LEFT JOIN tickets t ON t.id = e.ticket_id
  LEFT JOIN clients c ON c.id = t.client_id
  WHERE e.enters;
$$;--> statement-breakpoint
-- Every recorded event (a deduplicated retry inserts nothing and fires nothing) ends the ticket's open
-- visit in its process if it is at another element, and opens the visit of its own element. An event
-- older than the ticket's latest one in that process (written late: a long transaction, a slow
-- activity) rebuilds the ticket's visits there instead. Writers of one ticket take turns on the ticket
-- row, so each sees the visits the other left. Breaches and escalations go to the summary as they come.
CREATE OR REPLACE FUNCTION "ticket_events_track_visit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket record;
  latest record;
BEGIN
  PERFORM 1 FROM tickets WHERE id = NEW.ticket_id FOR NO KEY UPDATE;
  SELECT t.queue_id, t.category, c.category AS client_category INTO ticket
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
CREATE TRIGGER "ticket_events_track_visit" AFTER INSERT ON "ticket_events" FOR EACH ROW EXECUTE FUNCTION "ticket_events_track_visit"();--> statement-breakpoint
-- Breaches and escalations of a ticket counted under its old queue, category or client category, moved to the new ones.
CREATE FUNCTION "restate_ticket_flags"(ticket bigint, old_queue integer, old_category text, old_client_category text,
                                       new_queue integer, new_category text, new_client_category text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits, breaches, escalations)
  SELECT (e.at AT TIME ZONE 'UTC')::date, e.process_id, e.element_id, coalesce(d.queue_id, 0), coalesce(d.category, ''), coalesce(d.client_category, ''),
         NULL, 0, d.sign * (e.action LIKE '%breach%')::int, d.sign * (e.action LIKE '%escalat%')::int
  FROM ticket_events e
  CROSS JOIN (VALUES (old_queue, old_category, old_client_category, -1), (new_queue, new_category, new_client_category, 1)) d(queue_id, category, client_category, sign)
  WHERE e.ticket_id = ticket AND (e.action LIKE '%breach%' OR e.action LIKE '%escalat%');
$$;--> statement-breakpoint
-- A ticket that moves to another queue, gets another category or client takes its visits and flags
-- along: the statistics filter by what the ticket is now.
CREATE FUNCTION "tickets_restate_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_client_category text := (SELECT category FROM clients WHERE id = OLD.client_id);
  new_client_category text := (SELECT category FROM clients WHERE id = NEW.client_id);
BEGIN
  UPDATE ticket_element_visits SET queue_id = NEW.queue_id, category = NEW.category, client_category = new_client_category
   WHERE ticket_id = NEW.id AND (queue_id, category, client_category) IS DISTINCT FROM (NEW.queue_id, NEW.category, new_client_category);
  PERFORM restate_ticket_flags(NEW.id, OLD.queue_id, OLD.category, old_client_category, NEW.queue_id, NEW.category, new_client_category);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_restate_visits" AFTER UPDATE OF "queue_id", "category", "client_id" ON "tickets" FOR EACH ROW
  WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.category IS DISTINCT FROM NEW.category OR OLD.client_id IS DISTINCT FROM NEW.client_id)
  EXECUTE FUNCTION "tickets_restate_visits"();--> statement-breakpoint
-- A client put in another category: the visits and flags of every ticket of theirs follow. The tickets are
-- locked first, as writers of their events lock them, so no visit opened meanwhile keeps the old category.
CREATE FUNCTION "clients_restate_visits"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket record;
BEGIN
  FOR ticket IN SELECT id, queue_id, category FROM tickets WHERE client_id = NEW.id ORDER BY id FOR NO KEY UPDATE LOOP
    UPDATE ticket_element_visits SET client_category = NEW.category WHERE ticket_id = ticket.id AND client_category IS DISTINCT FROM NEW.category;
    PERFORM restate_ticket_flags(ticket.id, ticket.queue_id, ticket.category, OLD.category, ticket.queue_id, ticket.category, NEW.category);
  END LOOP;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "clients_restate_visits" AFTER UPDATE OF "category" ON "clients" FOR EACH ROW
  WHEN (OLD.category IS DISTINCT FROM NEW.category) EXECUTE FUNCTION "clients_restate_visits"();--> statement-breakpoint
-- Folds the deltas into the summary's day, week and month rows, per queue × category × client category
-- and over all tickets, in one transaction: a reader sees the deltas or their sum, never both. One
-- folder at a time; rows that came to nothing are dropped. Returns how many deltas it folded.
CREATE FUNCTION "fold_process_stat_deltas"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
  zero_counts process_stat_counts[];
  zero_durations process_stat_durations[];
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('fold_process_stat_deltas')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (
    DELETE FROM process_stat_deltas RETURNING *
  ), rows AS (
    SELECT m.process_id, a.all_tickets, g.grain,
           CASE g.grain WHEN 'day' THEN m.day ELSE date_trunc(g.grain, m.day)::date END AS day, m.element_id,
           CASE WHEN a.all_tickets THEN 0 ELSE m.queue_id END AS queue_id,
           CASE WHEN a.all_tickets THEN '' ELSE m.category END AS category,
           CASE WHEN a.all_tickets THEN '' ELSE m.client_category END AS client_category,
           m.bucket, m.visits, m.breaches, m.escalations
    FROM moved m CROSS JOIN (VALUES ('day'), ('week'), ('month')) g(grain) CROSS JOIN (VALUES (false), (true)) a(all_tickets)
  ), counts AS (
    INSERT INTO process_stat_counts AS s (process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, visits, breaches, escalations)
    SELECT process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, sum(visits), sum(breaches), sum(escalations)
    FROM rows WHERE bucket IS NULL
    GROUP BY process_id, all_tickets, grain, day, element_id, queue_id, category, client_category
    ON CONFLICT (process_id, all_tickets, grain, day, element_id, queue_id, category, client_category)
    DO UPDATE SET visits = s.visits + excluded.visits, breaches = s.breaches + excluded.breaches, escalations = s.escalations + excluded.escalations
    RETURNING s.*
  ), durations AS (
    INSERT INTO process_stat_durations AS s (process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, bucket, visits)
    SELECT process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, bucket, sum(visits)
    FROM rows WHERE bucket IS NOT NULL
    GROUP BY process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, bucket
    ON CONFLICT (process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, bucket)
    DO UPDATE SET visits = s.visits + excluded.visits
    RETURNING s.*
  )
  SELECT (SELECT count(*) FROM moved),
         (SELECT array_agg(c) FROM counts c WHERE c.visits = 0 AND c.breaches = 0 AND c.escalations = 0),
         (SELECT array_agg(d) FROM durations d WHERE d.visits = 0)
    INTO folded, zero_counts, zero_durations;
  DELETE FROM process_stat_counts s USING unnest(zero_counts) z
   WHERE (s.process_id, s.all_tickets, s.grain, s.day, s.element_id, s.queue_id, s.category, s.client_category)
       = (z.process_id, z.all_tickets, z.grain, z.day, z.element_id, z.queue_id, z.category, z.client_category)
     AND s.visits = 0 AND s.breaches = 0 AND s.escalations = 0;
  DELETE FROM process_stat_durations s USING unnest(zero_durations) z
   WHERE (s.process_id, s.all_tickets, s.grain, s.day, s.element_id, s.queue_id, s.category, s.client_category, s.bucket)
       = (z.process_id, z.all_tickets, z.grain, z.day, z.element_id, z.queue_id, z.category, z.client_category, z.bucket)
     AND s.visits = 0;
  RETURN folded;
END
$$;--> statement-breakpoint
-- The whole summary from the visits and events, for the migration and bulk loads.
CREATE FUNCTION "rebuild_process_stats"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE process_stat_deltas, process_stat_counts, process_stat_durations;
  INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits, breaches, escalations)
  SELECT c.day, c.process_id, c.element_id, c.queue_id, c.category, c.client_category, c.bucket, sum(c.visits), 0, 0
  FROM ticket_element_visits v CROSS JOIN LATERAL visit_stat_contribution(v, 1) c
  GROUP BY c.day, c.process_id, c.element_id, c.queue_id, c.category, c.client_category, c.bucket;
  INSERT INTO process_stat_deltas (day, process_id, element_id, queue_id, category, client_category, bucket, visits, breaches, escalations)
  SELECT (e.at AT TIME ZONE 'UTC')::date, e.process_id, e.element_id, coalesce(t.queue_id, 0), coalesce(t.category, ''), coalesce(c.category, ''),
         NULL, 0, count(*) FILTER (WHERE e.action LIKE '%breach%'), count(*) FILTER (WHERE e.action LIKE '%escalat%')
  FROM ticket_events e LEFT JOIN tickets t ON t.id = e.ticket_id LEFT JOIN clients c ON c.id = t.client_id
  WHERE e.action LIKE '%breach%' OR e.action LIKE '%escalat%'
  GROUP BY 1, 2, 3, 4, 5, 6;
  PERFORM fold_process_stat_deltas();
END
$$;--> statement-breakpoint
-- Every visit and the summary from the events alone. Used once below, and by anyone who loads events in
-- bulk with the event trigger disabled (bench/process-stats.ts). Replaces 0002's version (visits per ticket).
CREATE OR REPLACE FUNCTION "rebuild_ticket_element_visits"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  ALTER TABLE ticket_element_visits DISABLE TRIGGER ticket_element_visits_stat_deltas;
  TRUNCATE ticket_element_visits;
  INSERT INTO ticket_element_visits (ticket_id, process_id, element_id, entered_at, left_at, queue_id, category, client_category)
  SELECT e.ticket_id, e.process_id, e.element_id, e.at, lead(e.at) OVER (PARTITION BY e.ticket_id, e.process_id ORDER BY e.at, e.id),
         t.queue_id, t.category, c.category
  FROM (
    SELECT ticket_id, process_id, element_id, at, id,
           element_id IS DISTINCT FROM lag(element_id) OVER (PARTITION BY ticket_id, process_id ORDER BY at, id) AS enters
    FROM ticket_events
  ) e
  LEFT JOIN tickets t ON t.id = e.ticket_id
  LEFT JOIN clients c ON c.id = t.client_id
  WHERE e.enters;
  ALTER TABLE ticket_element_visits ENABLE TRIGGER ticket_element_visits_stat_deltas;
  PERFORM rebuild_process_stats();
END
$$;--> statement-breakpoint
SELECT "rebuild_ticket_element_visits"();
