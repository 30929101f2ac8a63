ALTER TABLE "tickets" ADD COLUMN "first_response_business_ms" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "business_times" jsonb;