CREATE TABLE "desk_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"sha256" text NOT NULL,
	"envelope_from" text,
	"envelope_to" jsonb NOT NULL,
	"raw" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"note" text,
	"ticket_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ticket_articles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"direction" text NOT NULL,
	"sender" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"public" boolean DEFAULT true NOT NULL,
	"automatic" text,
	"message_id" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inbound_message_id" bigint,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "undeliverable_addresses" (
	"address" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"diagnostic" text,
	"inbound_message_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_articles" ADD CONSTRAINT "ticket_articles_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_articles" ADD CONSTRAINT "ticket_articles_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "undeliverable_addresses" ADD CONSTRAINT "undeliverable_addresses_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_sha256_key" ON "inbound_messages" USING btree ("channel","sha256");--> statement-breakpoint
CREATE INDEX "inbound_messages_pending_idx" ON "inbound_messages" USING btree ("id") WHERE "inbound_messages"."status" in ('received', 'failed');--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_articles_dedupe_key" ON "ticket_articles" USING btree ("channel","dedupe_key");--> statement-breakpoint
CREATE INDEX "ticket_articles_ticket_idx" ON "ticket_articles" USING btree ("ticket_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ticket_articles_message_id_idx" ON "ticket_articles" USING btree ("message_id") WHERE "ticket_articles"."message_id" is not null;