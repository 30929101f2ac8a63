ALTER TABLE "client_consents" ADD COLUMN "channel" text;--> statement-breakpoint
CREATE INDEX "outbox_undelivered_idx" ON "outbox" USING btree ("delivery_at") WHERE "outbox"."status" = 'sent' and "outbox"."delivery" = 'failed';--> statement-breakpoint
-- Hand-written: a consent names one of the channels the desk writes on, or none (every channel).
ALTER TABLE "client_consents" ADD CONSTRAINT "client_consents_channel_check" CHECK ("channel" IN ('email', 'sms', 'telegram'));
