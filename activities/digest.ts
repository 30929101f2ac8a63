import {
  DIGEST_OUTBOX_TICKET,
  digestPeriod,
  digestPurpose,
  digestText,
  type DigestKind,
} from '../src/domain/figures-digest';
import { staffAddresses } from '../src/repositories/operators';
import { sendOnce } from '../src/repositories/outbox';
import { createFigureService } from '../src/services/figure-service';
import type { FiguresDigestSent } from '../workflows/types';
import type { ActivityDependencies } from './context';

/** The managers' digest, run by its schedule's workflow: each manager's copy of a period is sent once. */
export function createDigestActivities({
  db,
  mailer,
  logger,
  publicUrl,
  timeZone = 'Europe/Moscow',
}: Pick<ActivityDependencies, 'db' | 'mailer' | 'logger' | 'publicUrl' | 'timeZone'>) {
  const figures = createFigureService({ db, timeZone });
  return {
    /** The figures of the last whole day or week before `at` (the workflow's start), mailed to every manager with an address. */
    async sendFiguresDigest(input: { kind: DigestKind; at: string }): Promise<FiguresDigestSent> {
      const period = digestPeriod(input.kind, new Date(input.at), timeZone);
      const from = period.from.toISOString();
      const to = period.to.toISOString();
      const report = await figures.figures({ from, to });
      const dashboard = new URL(`/dashboard.html?from=${from}&to=${to}`, publicUrl).toString();
      const { subject, text } = digestText(input.kind, period, timeZone, report.total, dashboard);
      const sent: string[] = [];
      for (const manager of await staffAddresses(db, { managers: true })) {
        const purpose = digestPurpose(input.kind, period, manager.id);
        const outcome = await sendOnce(db, mailer, {
          ticketId: DIGEST_OUTBOX_TICKET,
          purpose,
          recipient: manager.email,
          subject,
          body: text,
          messageId: `<${purpose.replace(/[^\w.-]/g, '.')}@desk>`,
        });
        if (outcome === 'sent') sent.push(manager.id);
      }
      logger.info({ kind: input.kind, from, to, sent }, 'figures digest sent');
      return { from, to, sent };
    },
  };
}
