-- Subject search uses trigrams (pg_trgm is a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "tickets_queue_listing_idx";--> statement-breakpoint
CREATE INDEX "tickets_queue_order_idx" ON "tickets" USING btree ("queue_id","stage",(case "priority" when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end),"created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_subject_trgm_idx" ON "tickets" USING gin ("subject" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at","id");