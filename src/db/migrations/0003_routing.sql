CREATE TABLE "category_feedback" (
	"ticket_id" bigint PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"given_category" text,
	"operator_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "category_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"model" jsonb NOT NULL,
	"training_tickets" integer NOT NULL,
	"trained_on" text NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "category_models_trained_on_unique" UNIQUE("trained_on")
);
--> statement-breakpoint
CREATE TABLE "classification_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"condition" jsonb NOT NULL,
	"outcome" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_offers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"queue_id" integer NOT NULL,
	"operator_id" text NOT NULL,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"outcome" text DEFAULT 'offered' NOT NULL,
	"reason" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "priorities" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "client_categories" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "channels" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "support_lines" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "regions" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "position" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "auto_assign" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "ticket_limit" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "competences" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "product_group" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "support_line" smallint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "offered_to" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "offer_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ticket_offers_ticket_idx" ON "ticket_offers" USING btree ("ticket_id","operator_id");--> statement-breakpoint
CREATE INDEX "ticket_offers_open_idx" ON "ticket_offers" USING btree ("operator_id","outcome");