-- The client's optional "would you recommend us?" (0–10, NPS) beside the score; and the managers' figures of a period (GET /figures): one index per timestamp they range over (partial: intake writes none of them), and the reopenings and escalations of a period without reading the other events.
ALTER TABLE "tickets" ADD COLUMN "nps" smallint;--> statement-breakpoint
CREATE INDEX "ticket_events_figures_at_idx" ON "ticket_events" USING btree ("at","ticket_id") WHERE "ticket_events"."action" in ('reopened', 'sla_escalated');--> statement-breakpoint
CREATE INDEX "tickets_accepted_at_idx" ON "tickets" USING btree ("accepted_at") WHERE "tickets"."accepted_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_resolved_at_idx" ON "tickets" USING btree ("resolved_at") WHERE "tickets"."resolved_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_closed_at_idx" ON "tickets" USING btree ("closed_at") WHERE "tickets"."closed_at" is not null;