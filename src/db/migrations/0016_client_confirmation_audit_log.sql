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
CREATE INDEX "staff_audit_log_target_idx" ON "staff_audit_log" USING btree ("target","id");