CREATE TABLE "client_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"client_id" integer NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"address" text
);
--> statement-breakpoint
CREATE TABLE "client_consents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" integer NOT NULL,
	"kind" text NOT NULL,
	"granted" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"source" text,
	"recorded_by" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_contacts" (
	"id" serial PRIMARY KEY NOT NULL,
	"client_id" integer NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_devices" (
	"id" serial PRIMARY KEY NOT NULL,
	"client_id" integer NOT NULL,
	"model" text NOT NULL,
	"serial" text,
	"imei" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "kind" text DEFAULT 'person' NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "legal_name" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "inn" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "kpp" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "ogrn" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "legal_address" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "bank_name" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "bank_bik" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "bank_account" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "bank_corr_account" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "merged_into" integer;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "merged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "client_consents" ADD CONSTRAINT "client_consents_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_contacts" ADD CONSTRAINT "client_contacts_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_devices" ADD CONSTRAINT "client_devices_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_audit_log_client_idx" ON "client_audit_log" USING btree ("client_id","id");--> statement-breakpoint
CREATE INDEX "client_consents_client_idx" ON "client_consents" USING btree ("client_id","kind","at");--> statement-breakpoint
CREATE UNIQUE INDEX "client_contacts_kind_value_key" ON "client_contacts" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "client_contacts_client_idx" ON "client_contacts" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "client_devices_client_idx" ON "client_devices" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "client_devices_imei_idx" ON "client_devices" USING btree ("imei");--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_merged_into_clients_id_fk" FOREIGN KEY ("merged_into") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clients_inn_idx" ON "clients" USING btree ("inn");--> statement-breakpoint
CREATE INDEX "clients_name_trgm_idx" ON "clients" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
-- A row written with a merged client's id (intake found the duplicate just before the merge
-- committed) follows the merge to the survivor. FOR KEY SHARE waits for a merge holding the client
-- row and then reads the committed row, so a write racing a merge lands on the survivor, never on
-- the tombstone. Merges re-point older tombstones, so one hop is the survivor.
CREATE FUNCTION "follow_merged_client"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  survivor integer;
BEGIN
  IF NEW.client_id IS NULL THEN RETURN NEW; END IF;
  SELECT merged_into INTO survivor FROM clients WHERE id = NEW.client_id FOR KEY SHARE;
  IF survivor IS NOT NULL THEN NEW.client_id := survivor; END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_follow_merged_client" BEFORE INSERT OR UPDATE OF "client_id" ON "tickets" FOR EACH ROW
  EXECUTE FUNCTION follow_merged_client();--> statement-breakpoint
CREATE TRIGGER "calls_follow_merged_client" BEFORE INSERT OR UPDATE OF "client_id" ON "calls" FOR EACH ROW
  EXECUTE FUNCTION follow_merged_client();--> statement-breakpoint
CREATE TRIGGER "telegram_chats_follow_merged_client" BEFORE INSERT OR UPDATE OF "client_id" ON "telegram_chats" FOR EACH ROW
  EXECUTE FUNCTION follow_merged_client();
