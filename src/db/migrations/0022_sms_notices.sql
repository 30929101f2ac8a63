ALTER TABLE "outbox" ADD COLUMN "channel_refused" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "delivery" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "delivery_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_channel_provider_id_key" ON "outbox" USING btree ("channel","provider_id");--> statement-breakpoint
CREATE INDEX "outbox_delivery_pending_idx" ON "outbox" USING btree ("sent_at") WHERE "outbox"."provider_id" is not null and "outbox"."delivery" in ('queued', 'sent');--> statement-breakpoint
-- Copies skipped because their channel refused them before this column: a Telegram chat that blocked the bot, an address that bounced.
UPDATE "outbox" SET "channel_refused" = true WHERE "status" = 'skipped' AND ("last_error" LIKE '% is undeliverable (it bounced)' OR "last_error" LIKE '%fell back to e-mail');
