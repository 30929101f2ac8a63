import fs from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { ticketEvents } from '../../src/db/schema';
import { linkTokenIn } from '../../src/domain/client-link';
import { ticketWorkflowId } from '../../src/domain/process';
import { stageQuery } from '../../workflows/ticket';
import type { startTestDesk } from './desk';
import type { listen } from './http';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;
type Call = Awaited<ReturnType<typeof listen>>['call'];

/** Clients of the demo seed, by what they usually ask about. */
export const sampleTickets = {
  phoneScreen: {
    subject: 'Разбит экран телефона',
    description: 'Экран разбит, сенсор не работает',
    client: { phone: '8 (916) 123-45-67' },
  },
  invoice: {
    subject: 'Invoice question',
    description: 'Please resend the invoice for October',
    client: { email: 'john.carter@example.com' },
  },
  laptop: {
    subject: 'Не включается ноутбук',
    description: 'Ноутбук не включается после обновления',
    client: { email: 'zakaz@tehnoopt.example' },
  },
  router: {
    subject: 'Не работает интернет',
    description: 'Роутер не раздаёт wifi',
    client: { email: 'e.morozova@mail.example' },
  },
} as const;

/** What a client files: `POST /tickets`'s body. */
export interface NewTicket {
  subject: string;
  description: string;
  client: { phone?: string; email?: string; name?: string };
}

/** Polls until `read` gives `want` (usable in hooks, where expect.poll is not). */
async function until<T>(read: () => Promise<T>, want: T, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === want) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: still ${String(last)} after ${timeoutMs} ms, not ${String(want)}`);
}

/** The newest resolution notice of a ticket's: from the SMTP server the desk sends to, or its drop folder. */
async function latestResolutionNotice(desk: Desk, id: number, smtp?: { received: ParsedMail[] }) {
  const isResolution = (mail: ParsedMail) => mail.subject?.startsWith(`Заявка №${id} выполнена`) ?? false;
  if (smtp) return smtp.received.filter(isResolution).at(-1);
  const folder = desk.mailer.target;
  const files = fs.existsSync(folder)
    ? fs.readdirSync(folder).filter((f) => f.startsWith(`ticket-${id}.resolution`) && f.endsWith('.eml'))
    : [];
  const newest = files
    .map((f) => ({ file: path.join(folder, f), at: fs.statSync(path.join(folder, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at)[0];
  return newest ? simpleParser(fs.readFileSync(newest.file)) : undefined;
}

/**
 * Drives tickets through the desk's HTTP API the way operators and clients do, asserting each
 * answer. The client's survey token is read from the notice they were sent (the desk keeps only
 * its hash): pass the SMTP sink when the desk sends to one.
 */
export function ticketDriver(desk: Desk, call: Call, smtp?: { received: ParsedMail[] }) {
  const ok = async (response: Promise<{ status: number; body: any; text: string }>, status = 200) => {
    const answer = await response;
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text}`);
    return answer.body;
  };
  const handle = (id: number) => desk.temporal.workflow.getHandle(ticketWorkflowId(id));

  const driver = {
    /**
     * Files a ticket as a client does (anonymously: a known contact's ticket then runs as a
     * one-time client's until confirmed), or `as` a member of staff, who files it as the client's.
     */
    async register(ticket: NewTicket, by: { as?: string } = {}): Promise<number> {
      return (await ok(call('POST', '/tickets', { body: ticket, operator: by.as }), 201)).id;
    },
    accept: (id: number, operator: string) => ok(call('POST', `/tickets/${id}/accept`, { operator })),
    work: (id: number, operator: string, minutes = 15) =>
      ok(call('POST', `/tickets/${id}/work`, { operator, body: { minutes, note: 'работа / work' } }), 201),
    resolve: (id: number, operator: string) =>
      ok(call('POST', `/tickets/${id}/resolve`, { operator, body: { resolution: 'Готово / Done' } })),
    /** Waits until the survey waits for the client, and gives the client's survey token. */
    async surveyToken(id: number): Promise<string> {
      await until(() => handle(id).query(stageQuery), 'awaiting_survey', `ticket ${id}`);
      const notice = await latestResolutionNotice(desk, id, smtp);
      const token = notice?.text ? linkTokenIn(notice.text) : undefined;
      if (!token) throw new Error(`ticket ${id}: no resolution notice with a survey link was sent`);
      return token;
    },
    async answer(id: number, survey: { csat: number; nps?: number; complaint?: boolean }) {
      const token = await driver.surveyToken(id);
      await ok(call('POST', `/tickets/${id}/survey`, { body: { token, ...survey } }), 202);
    },
    async reopenAsClient(id: number) {
      const token = await driver.surveyToken(id);
      return ok(call('POST', `/tickets/${id}/reopen`, { body: { token, reason: 'Не помогло / It did not help' } }));
    },
    async reopenAsOperator(id: number, operator: string) {
      await driver.surveyToken(id);
      return ok(
        call('POST', `/tickets/${id}/reopen`, {
          operator,
          body: { reason: 'Клиент перезвонил / The client called back' },
        }),
      );
    },
    async resolveComplaint(id: number, operator: string) {
      await until(() => handle(id).query(stageQuery), 'complaint', `ticket ${id}`);
      return ok(
        call('POST', `/tickets/${id}/complaint/resolve`, {
          operator,
          body: { resolution: 'Извинились, вернули деньги / Apologised and refunded' },
        }),
      );
    },
    closed: (id: number) => handle(id).result(),
    reaches: (id: number, stage: string) => until(() => handle(id).query(stageQuery), stage, `ticket ${id}`),
    stage: (id: number) => handle(id).query(stageQuery),
    /** The element ids the ticket recorded, oldest first. */
    async recordedElements(id: number): Promise<string[]> {
      const rows = await desk.db
        .select({ elementId: ticketEvents.elementId })
        .from(ticketEvents)
        .where(eq(ticketEvents.ticketId, id))
        .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
      return rows.map((r) => r.elementId);
    },
  };
  return driver;
}
