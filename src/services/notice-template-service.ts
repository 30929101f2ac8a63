import type { Database } from '../db/client';
import { hasCapability, type Actor } from '../domain/access';
import {
  noticePlaceholders,
  noticeTemplateProblem,
  noticeTemplatePurposes,
  type NoticeTemplate,
  type NoticeTemplatePurpose,
} from '../domain/notice-templates';
import { recordAudit } from '../repositories/audit-log';
import { deleteNoticeTemplate, listNoticeTemplates, putNoticeTemplate } from '../repositories/notice-templates';
import { DeskError } from './errors';

type From = { address: string | null };

/** The client notices' wording: who may change it, what a template may say, and the audit of each change. */
export function createNoticeTemplateService({ db }: { db: Database }) {
  const mayManage = (actor: Actor) => {
    if (!hasCapability(actor, 'manage_notices'))
      throw new DeskError('NOT_PERMITTED', `${actor.id} may not change the client notices' texts`);
  };

  return {
    async list(actor: Actor) {
      mayManage(actor);
      const stored = new Map((await listNoticeTemplates(db)).map((row) => [row.purpose, row]));
      return noticeTemplatePurposes.map((purpose) => {
        const row = stored.get(purpose);
        return {
          purpose,
          template: row
            ? { subject: row.subject, body: row.body, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() }
            : null,
        };
      });
    },

    placeholders: () => Object.entries(noticePlaceholders).map(([name, meaning]) => ({ name, meaning })),

    async put(actor: Actor, purpose: NoticeTemplatePurpose, template: NoticeTemplate, from: From) {
      mayManage(actor);
      const problem = noticeTemplateProblem(purpose, template);
      if (problem) throw new DeskError('VALIDATION', problem);
      await db.transaction(async (tx) => {
        const before = await putNoticeTemplate(tx, purpose, template, actor.id);
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'notice_template_changed',
          target: `notice:${purpose}`,
          details: { before: before ?? null, after: template },
          address: from.address,
        });
      });
      return (await this.list(actor)).find((t) => t.purpose === purpose)!;
    },

    /** Back to the desk's own text. */
    async reset(actor: Actor, purpose: NoticeTemplatePurpose, from: From) {
      mayManage(actor);
      await db.transaction(async (tx) => {
        const removed = await deleteNoticeTemplate(tx, purpose);
        if (!removed) return;
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'notice_template_reset',
          target: `notice:${purpose}`,
          details: { before: removed },
          address: from.address,
        });
      });
      return { purpose, template: null };
    },
  };
}

export type NoticeTemplateService = ReturnType<typeof createNoticeTemplateService>;
