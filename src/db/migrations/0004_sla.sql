CREATE TABLE "business_calendars" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"week" jsonb NOT NULL,
	"holiday_country" text,
	"extra_holidays" text[] DEFAULT '{}' NOT NULL,
	"exceptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_calendars_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "ola_agreements" (
	"support_line" smallint PRIMARY KEY NOT NULL,
	"handover_seconds" integer NOT NULL,
	"recipients" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "overdue_reasons" (
	"code" text PRIMARY KEY NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_agreements" (
	"id" serial PRIMARY KEY NOT NULL,
	"service_id" integer NOT NULL,
	"client_category" text NOT NULL,
	"response_seconds" integer NOT NULL,
	"resolution_seconds" integer NOT NULL,
	"warning_share" numeric(3, 2) DEFAULT '0.80' NOT NULL,
	"calendar_id" integer,
	"escalation" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Tickets filed before support lines were kept on the ticket start on the first line.
UPDATE "tickets" SET "support_line" = 1 WHERE "support_line" IS NULL;--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "support_line" SET DEFAULT 1;--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "support_line" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog_services" ADD COLUMN "required_competence" text;--> statement-breakpoint
ALTER TABLE "catalog_services" ADD COLUMN "checklist" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog_services" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "support_line" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "operator_groups" ADD COLUMN "calendar_id" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "solved_line" smallint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_agreement_id" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "overdue_reason" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "overdue_note" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "work_norm_ratio" numeric(8, 3);--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "checklist_done" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_agreements" ADD CONSTRAINT "sla_agreements_service_id_catalog_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."catalog_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_agreements" ADD CONSTRAINT "sla_agreements_calendar_id_business_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."business_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_agreements_service_category_key" ON "sla_agreements" USING btree ("service_id","client_category");