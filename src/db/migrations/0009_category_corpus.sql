CREATE TABLE "category_corpus" (
	"id" serial PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"category" text NOT NULL,
	"source" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "category_corpus_text_idx" ON "category_corpus" USING btree (md5("text"));