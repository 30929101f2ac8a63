import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { InboundSms } from '../channels/sms';
import type { Database } from '../db/client';
import { normalizePhone, type PhoneCountry } from '../domain/phone';
import { clientByContact, openTicketsOfClient } from '../repositories/clients';
import { loadInbound, markInbound, storeInbound, underMessageLock } from '../repositories/inbound-mail';
import type { ArticleService } from './article-service';
import { DeskError } from './errors';
import type { TicketService } from './ticket-service';

const SUBJECT_WORDS = 80;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Inbound SMS, e-mail's pattern: stored as it came (once per provider id), then threaded to the
 * client's open ticket (the newest) as an article, or registered through the same intake as
 * POST /tickets (channel `sms`) when the number has none.
 */
export function createSmsIntake(deps: {
  db: Database;
  token: string;
  phoneCountry: PhoneCountry;
  tickets: Pick<TicketService, 'register'>;
  articles: ArticleService;
  logger: Logger;
}) {
  const { db } = deps;
  const expected = sha256(deps.token);

  async function thread(sms: InboundSms, phone: string, inboundId: number, registered: number | null) {
    const client = await clientByContact(db, { phone, email: null });
    const open = client ? await openTicketsOfClient(db, client.id, 1) : [];
    const existing = open[0]?.id ?? registered;
    let ticketId = existing;
    if (ticketId === null) {
      const text = sms.text.trim() || '(SMS)';
      const registration = await deps.tickets.register({
        channel: 'sms',
        subject: text.length > SUBJECT_WORDS ? `${text.slice(0, SUBJECT_WORDS - 1)}…` : text,
        description: text,
        client: { phone },
      });
      ticketId = 'attachedTo' in registration ? registration.attachedTo : registration.ticketId;
      // A crash after registering leaves the ticket on the row: processing it again registers nothing.
      await markInbound(db, inboundId, { status: 'received', ticketId });
    }
    await deps.articles.attachArticle(
      {
        ticketId,
        channel: 'sms',
        direction: 'in',
        sender: phone,
        body: sms.text,
        inboundMessageId: inboundId,
        dedupeKey: `sms:${sms.id}`,
      },
      // The first message of a new ticket is its description, never a reply to reopen anything.
      { mayReopen: existing !== null && open.length > 0 },
    );
    return ticketId;
  }

  return {
    checkToken(given: string) {
      if (!timingSafeEqual(sha256(given), expected))
        throw new DeskError('BAD_SMS_TOKEN', 'this SMS webhook address is not the desk’s (check SMS_TOKEN)');
    },

    async receive(sms: InboundSms): Promise<{ ticketId: number | null; duplicate: boolean }> {
      const phone = normalizePhone(sms.from, deps.phoneCountry);
      if (!phone) throw new DeskError('VALIDATION', `body.from "${sms.from}" is not a phone number`);
      const stored = await storeInbound(db, {
        channel: 'sms',
        sha256: sha256(`sms:${sms.id}`).toString('hex'),
        raw: Buffer.from(JSON.stringify(sms)),
        envelopeFrom: phone,
        envelopeTo: [],
      });
      return underMessageLock(db, `sms:${sms.id}`, async () => {
        const row = await loadInbound(db, stored.id);
        if (row?.status === 'attached') return { ticketId: row.ticketId, duplicate: true };
        const ticketId = await thread(sms, phone, stored.id, row?.ticketId ?? null);
        await markInbound(db, stored.id, { status: 'attached', ticketId });
        deps.logger.info({ inboundMessageId: stored.id, ticketId }, 'inbound SMS attached');
        return { ticketId, duplicate: false };
      });
    },
  };
}

export type SmsIntake = ReturnType<typeof createSmsIntake>;
