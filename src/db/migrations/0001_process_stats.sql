CREATE INDEX "ticket_events_ticket_order_idx" ON "ticket_events" USING btree ("ticket_id","at","id","element_id");--> statement-breakpoint
CREATE INDEX "ticket_events_at_ticket_idx" ON "ticket_events" USING btree ("at","ticket_id");--> statement-breakpoint
CREATE INDEX "tickets_open_idx" ON "tickets" USING btree ("id") WHERE "tickets"."stage" <> 'closed';