-- The client's optional "would you recommend us?" (0–10, NPS) beside the score; and the managers' figures of a period (GET /figures): one index per timestamp they range over, and the reopenings and escalations of a period without reading the other events.
CREATE INDEX "ticket_events_figures_at_idx" ON "ticket_events" USING btree ("at","ticket_id") WHERE "ticket_events"."action" in ('reopened', 'sla_escalated');--> statement-breakpoint
CREATE INDEX "tickets_accepted_at_idx" ON "tickets" USING btree ("accepted_at");--> statement-breakpoint
CREATE INDEX "tickets_resolved_at_idx" ON "tickets" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "tickets_closed_at_idx" ON "tickets" USING btree ("closed_at");--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "nps" smallint;
