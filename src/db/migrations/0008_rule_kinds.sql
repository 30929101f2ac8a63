ALTER TABLE "classification_rules" ADD COLUMN "kind" text DEFAULT 'authoritative' NOT NULL;--> statement-breakpoint
ALTER TABLE "classification_rules" ADD CONSTRAINT "classification_rules_kind" CHECK ("classification_rules"."kind" in ('authoritative', 'evidence'));--> statement-breakpoint
-- Hand-written: the category word lists a desk was seeded with (src/domain/default-rules.ts) become
-- evidence, as a new desk's are; a rule a manager added or changed the outcome of stays authoritative.
UPDATE "classification_rules" SET "kind" = 'evidence'
WHERE "name" IN ('Жалоба / complaint', 'Гарантия / warranty', 'Связь и сеть / connectivity',
                 'Счета и оплата / billing', 'АХО / facilities', 'Ремонт техники / repair')
  AND "outcome" ? 'category' AND "outcome" - 'category' = '{}'::jsonb;
