import type { TicketStage } from '../src/domain/process';
import { perRound } from '../src/domain/ticket-events';
import { copiesOfNotice, undeliveredNotices } from '../src/repositories/outbox';
import { loadTicketDetails } from '../src/repositories/tickets';
import { createAcceptedNotices } from './accepted-notice';
import { ticketLogger, type ActivityDependencies } from './context';
import { createNotifyActivities } from './notify';

/** How long after the report a notice undelivered is still sent on: later, the client has moved on too. */
const PASSED_ON_WITHIN_MS = 24 * 3_600_000;

/** `resolution:2` → the notice's key and round (1 when not said). */
const roundOf = (purpose: string) => {
  const [key, round] = purpose.split(':');
  return { key: key!, round: round === undefined ? 1 : Number(round) };
};

/** The stages in which each notice still tells the client something they need (the ticket has not moved on). */
const STILL_NEEDED: Record<string, readonly TicketStage[]> = {
  resolution: ['awaiting_survey'],
  accepted: ['in_work', 'waiting_for_client'],
};

/**
 * A client's notice whose copy the provider reported undelivered after it took it (an SMS the
 * gateway gave up on: the phone is off for days, the number is dead; an e-mail that bounced): sent on down the client's
 * channels (activities/client-notices.ts passes over the failed copy), as a notice refused at once
 * is — but only while the ticket still is where the notice speaks of it (the resolution while its
 * survey is awaited, the acceptance while in work) and no later round's notice was made; else the
 * report is kept on the copy and nothing more is sent. `passOn` when the report comes; `sweep` on
 * the delivery poll's beat, for a report whose passing on a crash interrupted.
 */
export function createUndeliveredNotices(
  deps: Pick<ActivityDependencies, 'db' | 'logger' | 'mailer' | 'telegram' | 'sms' | 'publicUrl'>,
) {
  const { db } = deps;
  const ticketLog = ticketLogger(deps.logger);
  const accepted = createAcceptedNotices(deps);
  const notify = createNotifyActivities(deps);

  async function passOn(copy: { ticketId: number; purpose: string }) {
    const { key, round } = roundOf(copy.purpose);
    const needed = STILL_NEEDED[key];
    if (!needed) return;
    const details = await loadTicketDetails(db, copy.ticketId);
    const stillNeeded =
      details !== undefined &&
      needed.includes(details.stage) &&
      (await copiesOfNotice(db, copy.ticketId, perRound(key, round + 1))).length === 0;
    if (!stillNeeded) {
      ticketLog(copy.ticketId).info(
        { purpose: copy.purpose },
        'notice reported undelivered; the ticket has moved on, not sent on',
      );
      return;
    }
    ticketLog(copy.ticketId).info({ purpose: copy.purpose }, 'notice reported undelivered; sent on');
    if (key === 'resolution') await notify.notifyClient({ ticketId: copy.ticketId, round });
    else await accepted.sendAgain(copy.ticketId, copy.purpose);
  }

  return {
    passOn,
    async sweep() {
      for (const copy of await undeliveredNotices(db, PASSED_ON_WITHIN_MS))
        await passOn(copy).catch((error: unknown) =>
          ticketLog(copy.ticketId).warn({ err: error, purpose: copy.purpose }, 'undelivered notice not sent on yet'),
        );
    },
  };
}

export type UndeliveredNotices = ReturnType<typeof createUndeliveredNotices>;
