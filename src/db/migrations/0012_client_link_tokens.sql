CREATE TABLE "client_link_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "client_link_tokens" ADD CONSTRAINT "client_link_tokens_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_link_tokens_ticket_idx" ON "client_link_tokens" USING btree ("ticket_id");