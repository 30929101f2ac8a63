CREATE SEQUENCE "public"."ticket_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE TABLE "catalog_services" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"category" text NOT NULL,
	"price" numeric(12, 2) NOT NULL,
	"norm_hours" numeric(7, 2) NOT NULL,
	"support_line" smallint DEFAULT 1 NOT NULL,
	"keywords" text[] DEFAULT '{}' NOT NULL,
	"is_category_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_services_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text,
	"phone" text,
	"email" text,
	"category" text DEFAULT 'one_time' NOT NULL,
	"preferred_channel" text DEFAULT 'email' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"purpose" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"message_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"group_id" integer NOT NULL,
	"categories" text[] DEFAULT '{}' NOT NULL,
	"is_fallback" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queues_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "operator_group_members" (
	"operator_id" text NOT NULL,
	"group_id" integer NOT NULL,
	CONSTRAINT "operator_group_members_operator_id_group_id_pk" PRIMARY KEY("operator_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "operator_groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "operator_groups_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "operators" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"role" text DEFAULT 'operator' NOT NULL,
	"support_line" smallint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"element_id" text NOT NULL,
	"action" text NOT NULL,
	"actor" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_work_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"operator_id" text NOT NULL,
	"minutes" integer NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigint PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"channel" text NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"client_id" integer NOT NULL,
	"stage" text NOT NULL,
	"category" text,
	"priority" text,
	"service_id" integer,
	"queue_id" integer,
	"queued_at" timestamp with time zone,
	"assignee_id" text,
	"accepted_at" timestamp with time zone,
	"quoted_price" numeric(12, 2),
	"quoted_norm_hours" numeric(7, 2),
	"due_at" timestamp with time zone,
	"resolution" text,
	"resolved_at" timestamp with time zone,
	"survey_token" text,
	"csat" smallint,
	"survey_comment" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tickets_workflow_id_unique" UNIQUE("workflow_id")
);
--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_group_id_operator_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."operator_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_group_members" ADD CONSTRAINT "operator_group_members_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_group_members" ADD CONSTRAINT "operator_group_members_group_id_operator_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."operator_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_work_entries" ADD CONSTRAINT "ticket_work_entries_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_work_entries" ADD CONSTRAINT "ticket_work_entries_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_service_id_catalog_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."catalog_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assignee_id_operators_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "clients_phone_key" ON "clients" USING btree ("phone");--> statement-breakpoint
CREATE UNIQUE INDEX "clients_email_key" ON "clients" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_ticket_purpose_key" ON "outbox" USING btree ("ticket_id","purpose");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_events_dedupe_key" ON "ticket_events" USING btree ("ticket_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "ticket_events_element_at_idx" ON "ticket_events" USING btree ("element_id","at");--> statement-breakpoint
CREATE INDEX "ticket_work_entries_ticket_idx" ON "ticket_work_entries" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "tickets_queue_listing_idx" ON "tickets" USING btree ("queue_id","stage","created_at");--> statement-breakpoint
CREATE INDEX "tickets_client_idx" ON "tickets" USING btree ("client_id","created_at");