-- Telegram (#13): updates stored by update_id per bot before they are processed, and the chats linked to clients.
-- The outbox keeps one row per notice and channel: a Telegram notice and its e-mail fallback are two rows.
CREATE TABLE "telegram_chats" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"client_id" integer,
	"phone" text,
	"user_id" bigint,
	"username" text,
	"first_name" text,
	"language_code" text,
	"linked_at" timestamp with time zone,
	"blocked_at" timestamp with time zone,
	"blocked_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telegram_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" text NOT NULL,
	"update_id" bigint,
	"raw" text NOT NULL,
	"chat_id" bigint,
	"status" text DEFAULT 'received' NOT NULL,
	"note" text,
	"ticket_id" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "outbox_ticket_purpose_key";--> statement-breakpoint
ALTER TABLE "telegram_chats" ADD CONSTRAINT "telegram_chats_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "telegram_chats_client_idx" ON "telegram_chats" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "telegram_updates_update_id_key" ON "telegram_updates" USING btree ("bot_id","update_id");--> statement-breakpoint
CREATE INDEX "telegram_updates_pending_idx" ON "telegram_updates" USING btree ("id") WHERE "telegram_updates"."status" in ('received', 'failed');--> statement-breakpoint
CREATE INDEX "telegram_updates_chat_idx" ON "telegram_updates" USING btree ("chat_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_ticket_purpose_channel_key" ON "outbox" USING btree ("ticket_id","purpose","channel");