-- Tickets filed before keep the client category they were routed and timed by: confirmed.
ALTER TABLE "tickets" ADD COLUMN "client_confirmed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- From now on a ticket is confirmed only when intake says so (staff filed it, or the link was opened).
ALTER TABLE "tickets" ALTER COLUMN "client_confirmed" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "client_confirmation_token" text;
