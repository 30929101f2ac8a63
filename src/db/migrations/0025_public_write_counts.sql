CREATE TABLE "public_write_counts" (
	"address" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "public_write_counts_window_idx" ON "public_write_counts" USING btree ("window_start");