import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CallDirection, CtiEventName } from '../../domain/calls';
import { clients } from './clients';

/**
 * What a PBX sent to the CTI webhook, as it came, once per call and event (a PBX that repeats
 * an event is answered 200 and nothing is stored twice). Stored before the call's workflow hears
 * of it, so nothing a PBX was told it delivered is lost.
 */
export const ctiEvents = pgTable(
  'cti_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callId: text('call_id').notNull(),
    event: text('event').$type<CtiEventName>().notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('cti_events_call_event_idx').on(t.callId, t.event)],
);

/**
 * A call as the desk knows it, merged from its events in whatever order they came; written by
 * the call's workflow. `ticketId` is the one ticket of the call (a click, or a missed call's
 * call-back): its number is reserved here before the ticket starts, so there is never a second.
 */
export const calls = pgTable(
  'calls',
  {
    callId: text('call_id').primaryKey(),
    /** E.164 when the PBX sent a number, as sent otherwise (`anonymous`). */
    fromNumber: text('from_number'),
    toNumber: text('to_number'),
    direction: text('direction').$type<CallDirection>(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    /** What the IVR or the caller's device sent besides the call's fields (IVR choices, a device's diagnostics). */
    diagnostics: jsonb('diagnostics').$type<Record<string, string>>().notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredBy: text('answered_by'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    cause: text('cause'),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('calls_from_number_idx').on(t.fromNumber, t.createdAt)],
);
