import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { noticeTemplates } from '../db/schema';
import type { NoticeTemplate, NoticeTemplatePurpose } from '../domain/notice-templates';

type Db = Pick<Database, 'select' | 'insert' | 'delete'>;

export type StoredNoticeTemplate = typeof noticeTemplates.$inferSelect;

export async function listNoticeTemplates(db: Db): Promise<StoredNoticeTemplate[]> {
  return db.select().from(noticeTemplates);
}

/** The manager's wording of a notice; undefined: the desk's own text is sent. */
export async function noticeTemplateOf(db: Db, purpose: NoticeTemplatePurpose): Promise<NoticeTemplate | undefined> {
  const [row] = await db
    .select({ subject: noticeTemplates.subject, body: noticeTemplates.body })
    .from(noticeTemplates)
    .where(eq(noticeTemplates.purpose, purpose));
  return row;
}

/** Replaces the notice's template whole; the previous one is answered for the audit log. */
export async function putNoticeTemplate(
  db: Db,
  purpose: NoticeTemplatePurpose,
  template: NoticeTemplate,
  updatedBy: string,
): Promise<NoticeTemplate | undefined> {
  const before = await noticeTemplateOf(db, purpose);
  const values = { ...template, updatedBy, updatedAt: new Date() };
  await db
    .insert(noticeTemplates)
    .values({ purpose, ...values })
    .onConflictDoUpdate({ target: noticeTemplates.purpose, set: values });
  return before;
}

/** Back to the desk's own text; the template removed is answered (undefined: there was none). */
export async function deleteNoticeTemplate(
  db: Db,
  purpose: NoticeTemplatePurpose,
): Promise<NoticeTemplate | undefined> {
  const [removed] = await db
    .delete(noticeTemplates)
    .where(eq(noticeTemplates.purpose, purpose))
    .returning({ subject: noticeTemplates.subject, body: noticeTemplates.body });
  return removed;
}
