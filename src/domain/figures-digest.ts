/**
 * The managers' digest: the figures of the last whole day or ISO week, in the desk's time zone,
 * as an e-mail in Russian and English (issue #14). Pure: the schedule, the figures and the
 * sending are elsewhere (src/services/figures-digest.ts, activities/digest.ts).
 */
import { formatDuration } from './breach-explanation';
import { instantOfLocal, isoWeekdayOf, localDateOf } from './calendar';
import type { Figures, Period } from './figures';

export const digestKinds = ['daily', 'weekly'] as const;
export type DigestKind = (typeof digestKinds)[number];

const DAY_MS = 86_400_000;
const shiftDate = (localDate: string, days: number) =>
  new Date(Date.parse(`${localDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The last whole local day (daily) or ISO week, Monday to Monday (weekly), that ended at or
 * before `at`: a digest run at 08:00 on Tuesday covers Monday, one run on Monday the week before.
 */
export function digestPeriod(kind: DigestKind, at: Date, timeZone: string): Period {
  const today = localDateOf(timeZone, at.getTime());
  const end = kind === 'daily' ? today : shiftDate(today, 1 - isoWeekdayOf(today));
  const start = shiftDate(end, kind === 'daily' ? -1 : -7);
  return { from: new Date(instantOfLocal(timeZone, start, 0)), to: new Date(instantOfLocal(timeZone, end, 0)) };
}

/** The outbox purpose of one recipient's digest of one period: the same run twice sends it once. */
export const digestPurpose = (kind: DigestKind, period: Period, recipient: string) =>
  `figures-digest:${kind}:${period.from.toISOString()}:${recipient}`;

/** Not about a ticket: the outbox row's ticket (ticket numbers start at 1001, so none is 0). */
export const DIGEST_OUTBOX_TICKET = 0;

const none = { ru: '—', en: '—' };
const time = (ms: number | null) => (ms === null ? none : formatDuration(ms));
const value = (v: number | null, unit = '') => (v === null ? '—' : `${v}${unit}`);

/** The digest's subject and text: each line in Russian, then English; the period's days as the desk's local dates. */
export function digestText(
  kind: DigestKind,
  period: Period,
  timeZone: string,
  figures: Figures,
  dashboardUrl: string,
): { subject: string; text: string } {
  const from = localDateOf(timeZone, period.from.getTime());
  const last = localDateOf(timeZone, period.to.getTime() - 1);
  const span = from === last ? from : `${from} – ${last}`;
  const escalations = Object.values(figures.escalations).reduce((a, b) => a + b, 0);
  const overdue = figures.overdueByReason.reduce((a, r) => a + r.count, 0);
  const lines: [string, string, string][] = [
    ['Поступило', 'Registered', String(figures.registered)],
    ['Решено', 'Resolved', String(figures.resolved)],
    ['Переоткрыто', 'Reopened', String(figures.reopened)],
    ['Открыто сейчас', 'Backlog now', String(figures.backlog)],
    ['Эскалаций', 'Escalations', String(escalations)],
    ['Решено с просрочкой', 'Resolved late', String(overdue)],
    ['SLA выполнен', 'SLA achieved', value(figures.slaAchievedPercent, ' %')],
  ];
  const times: [string, string, number | null][] = [
    [
      'Медиана реакции (рабочее время)',
      'Median first response (business time)',
      figures.firstResponseBusiness.medianMs,
    ],
    ['Медиана решения (рабочее время)', 'Median resolution (business time)', figures.resolutionBusiness.medianMs],
    ['Медиана ожидания клиента', 'Median wait for the client', figures.waitingForClient.medianMs],
    ['Медиана в очереди (рабочее время)', 'Median time in a queue (business time)', figures.queueWaitBusiness.medianMs],
  ];
  const quality: [string, string, string][] = [
    ['Факт / норма', 'Actual / norm', value(figures.workVsNorm.ratio)],
    ['CSAT (1–5)', 'CSAT (1–5)', value(figures.csatMean)],
    ['CSI (0–100)', 'CSI (0–100)', value(figures.csi)],
    ['Негативные ответы (NRR)', 'Negative answers (NRR)', value(figures.nrrPercent, ' %')],
    ['NPS', 'NPS', value(figures.npsScore)],
    ['Решено с первого обращения (FCR)', 'First-contact resolution (FCR)', value(figures.fcrPercent, ' %')],
    ['Доля переоткрытых', 'Reopen rate', value(figures.reopenRatePercent, ' %')],
  ];
  const titleRu = kind === 'daily' ? 'Показатели за день' : 'Показатели за неделю';
  const titleEn = kind === 'daily' ? 'Figures of the day' : 'Figures of the week';
  const text = [
    `${titleRu} ${span} / ${titleEn} ${span} (${timeZone})`,
    '',
    ...lines.map(([ru, en, v]) => `${ru} / ${en}: ${v}`),
    ...times.map(([ru, en, ms]) => `${ru}: ${time(ms).ru} / ${en}: ${time(ms).en}`),
    ...quality.map(([ru, en, v]) => `${ru} / ${en}: ${v}`),
    '',
    `Панель и определения / Dashboard and definitions: ${dashboardUrl}`,
  ].join('\n');
  return { subject: `${titleRu} ${span} · ${titleEn}`, text };
}
