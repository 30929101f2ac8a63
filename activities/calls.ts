import type { CallFacts } from '../src/domain/calls';
import { recordCall, reserveCallTicket } from '../src/repositories/calls';
import type { ActivityDependencies } from './context';

/** A call's side effects: the call written as its workflow knows it, and the number of its one ticket. */
export function createCallActivities({ db, logger }: Pick<ActivityDependencies, 'db' | 'logger'>) {
  return {
    async recordCall(facts: CallFacts): Promise<{ clientId: number | null }> {
      const recorded = await recordCall(db, facts);
      logger.debug({ callId: facts.callId, seen: facts.seen, clientId: recorded.clientId }, 'call recorded');
      return recorded;
    },

    async reserveCallTicket(callId: string): Promise<number> {
      const ticketId = await reserveCallTicket(db, callId);
      // The call's workflow recorded the call before it asks: a missing row is a bug, retried until seen.
      if (ticketId === undefined) throw new Error(`call ${callId} is not recorded`);
      logger.info({ callId, ticketId }, 'ticket number reserved for the call');
      return ticketId;
    },
  };
}
