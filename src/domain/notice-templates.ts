/**
 * Client notices a manager may word themselves (issue #13, "texts from templates a manager can
 * edit"): the e-mail's subject and body with placeholders, for the resolution notice and the
 * accepted notice. Without a template the desk's own text is sent (./notices). What stays the
 * desk's whatever the template says: the filer's subject is only ever quoted on a line of its own
 * (clientWords), never in the mail's subject; a ticket whose client is not confirmed always opens
 * with the warning that it may not be theirs; the link the notice exists for is required.
 */
import { acceptedNotice, clientWords, dueInMoscow, dueInUtc, greetingName, resolutionNotice } from './notices';
import type { TicketDetails } from './ticket-details';

export const noticeTemplatePurposes = ['resolution', 'accepted'] as const;
export type NoticeTemplatePurpose = (typeof noticeTemplatePurposes)[number];

export interface NoticeTemplate {
  subject: string;
  body: string;
}

/** Each placeholder, what it becomes, and where it may stand. */
export const noticePlaceholders = {
  ticket: 'the ticket’s number',
  name: 'the client’s name as their record holds it (empty without one)',
  subject: 'the subject as the filer wrote it, quoted ("> …") on a line of its own: it must stand alone on its line',
  resolution: 'the resolution the operator wrote (resolution notice only)',
  price: 'the quoted price in roubles (empty without one)',
  due_msk: 'the promised date, Moscow time (accepted notice only; empty without one)',
  due_utc: 'the promised date, UTC (accepted notice only; empty without one)',
  survey_link: 'the link to the survey (resolution notice only; required there)',
  status_link: 'the link to the ticket’s status page (required in the accepted notice)',
} as const;
export type NoticePlaceholder = keyof typeof noticePlaceholders;

const allowed: Readonly<Record<NoticeTemplatePurpose, readonly NoticePlaceholder[]>> = {
  resolution: ['ticket', 'name', 'subject', 'resolution', 'price', 'survey_link', 'status_link'],
  accepted: ['ticket', 'name', 'subject', 'price', 'due_msk', 'due_utc', 'status_link'],
};
const required: Readonly<Record<NoticeTemplatePurpose, NoticePlaceholder>> = {
  resolution: 'survey_link',
  accepted: 'status_link',
};

export const SUBJECT_MAX = 200;
export const BODY_MAX = 10_000;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/gu;

/**
 * Why a template cannot be stored, naming the field (`body.subject`, `body.body`); null when it
 * can. The mail's subject takes only the ticket's number: anything else there reads as the desk's words.
 */
export function noticeTemplateProblem(purpose: NoticeTemplatePurpose, template: NoticeTemplate): string | null {
  const subject = template.subject.trim();
  if (!subject) return 'body.subject: a subject is required';
  if (/[\r\n]/u.test(template.subject)) return 'body.subject: the subject is one line';
  if (template.subject.length > SUBJECT_MAX) return `body.subject: at most ${SUBJECT_MAX} characters`;
  if (!template.body.trim()) return 'body.body: a text is required';
  if (template.body.length > BODY_MAX) return `body.body: at most ${BODY_MAX} characters`;
  for (const [, name] of template.subject.matchAll(PLACEHOLDER))
    if (name !== 'ticket') return `body.subject: only {{ticket}} may stand in the subject, not {{${name}}}`;
  const used = new Set<string>();
  for (const [, name] of template.body.matchAll(PLACEHOLDER)) {
    if (!(allowed[purpose] as readonly string[]).includes(name!))
      return `body.body: {{${name}}} is not a placeholder of the ${purpose} notice (${allowed[purpose].map((p) => `{{${p}}}`).join(', ')})`;
    used.add(name!);
  }
  if (!used.has(required[purpose])) return `body.body: the ${purpose} notice must carry {{${required[purpose]}}}`;
  for (const line of template.body.split('\n'))
    if (/\{\{\s*subject\s*\}\}/u.test(line) && line.trim().replace(PLACEHOLDER, '').trim() !== '')
      return 'body.body: {{subject}} must stand alone on its line (it is quoted as the filer’s words)';
  return null;
}

/** The values of one notice; absent ones render empty. */
export type NoticeValues = Partial<Record<NoticePlaceholder, string | number | null>>;

/**
 * The notice from a stored template. A line whose placeholders all come out empty is left out
 * ("Стоимость: {{price}} ₽" without a price); the filer's subject is quoted; for a client not
 * confirmed the desk's warning comes first, in Russian and English.
 */
export function renderNoticeTemplate(
  template: NoticeTemplate,
  values: NoticeValues,
  { unconfirmed }: { unconfirmed: boolean },
): { subject: string; text: string } {
  const valueOf = (name: string): string => {
    const value = values[name as NoticePlaceholder];
    if (value === null || value === undefined || value === '') return '';
    return name === 'subject' ? clientWords(String(value)) : String(value);
  };
  const lines = template.body.split('\n').flatMap((line) => {
    const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    if (names.length > 0 && names.every((name) => valueOf(name) === '')) return [];
    return [line.replace(PLACEHOLDER, (_, name: string) => valueOf(name))];
  });
  const warning = unconfirmed
    ? [
        'Заявку подали, указав ваш адрес. Если это были не вы, просто не отвечайте на это письмо.',
        'The ticket was filed giving your address. If that was not you, simply ignore this message.',
        '',
      ]
    : [];
  return {
    subject: template.subject.replace(PLACEHOLDER, (_, name: string) => (name === 'ticket' ? valueOf(name) : '')),
    text: [...warning, ...lines].join('\n'),
  };
}

/** The resolution notice: in the manager's wording when there is one, else the desk's own. */
export function resolutionNoticeFor(
  ticket: TicketDetails,
  links: { survey: string; status: string },
  template: NoticeTemplate | undefined,
): { subject: string; text: string } {
  if (!template) return resolutionNotice(ticket, links.survey, links.status);
  return renderNoticeTemplate(
    template,
    {
      ticket: ticket.id,
      name: greetingName(ticket.client.name),
      subject: ticket.subject,
      resolution: ticket.resolution,
      price: ticket.quotedPrice,
      survey_link: links.survey,
      status_link: links.status,
    },
    { unconfirmed: !ticket.client.confirmed },
  );
}

/** The accepted notice: in the manager's wording when there is one, else the desk's own. */
export function acceptedNoticeFor(
  ticket: TicketDetails,
  statusLink: string,
  template: NoticeTemplate | undefined,
): { subject: string; text: string } {
  if (!template) return acceptedNotice(ticket, statusLink);
  return renderNoticeTemplate(
    template,
    {
      ticket: ticket.id,
      name: greetingName(ticket.client.name),
      subject: ticket.subject,
      price: ticket.quotedPrice,
      due_msk: dueInMoscow(ticket.dueAt),
      due_utc: dueInUtc(ticket.dueAt),
      status_link: statusLink,
    },
    { unconfirmed: !ticket.client.confirmed },
  );
}
