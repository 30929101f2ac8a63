-- Calls from the CTI webhook (#13): each event stored once per call and kind, and each call merged from them with its one ticket.
CREATE TABLE "calls" (
	"call_id" text PRIMARY KEY NOT NULL,
	"from_number" text,
	"to_number" text,
	"direction" text,
	"client_id" bigint,
	"diagnostics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"answered_by" text,
	"ended_at" timestamp with time zone,
	"cause" text,
	"ticket_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cti_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" text NOT NULL,
	"event" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_from_number_idx" ON "calls" USING btree ("from_number","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cti_events_call_event_idx" ON "cti_events" USING btree ("call_id","event");