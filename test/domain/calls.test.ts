import { describe, expect, it } from 'vitest';
import {
  callTicket,
  isMissedCall,
  mergeCallEvent,
  newCallFacts,
  readCtiEvent,
  type CtiEvent,
} from '../../src/domain/calls';
import { normalizePhone } from '../../src/domain/phone';

const at = new Date('2026-12-03T09:00:00Z');
const read = (body: unknown) => readCtiEvent(body, at, (text) => normalizePhone(text, 'RU'));
const event = (fields: Record<string, unknown>): CtiEvent => {
  const result = read({ callId: 'c1', ...fields });
  if ('error' in result) throw new Error(result.error);
  return result.event;
};

describe('readCtiEvent', () => {
  it('reads Zammad’s generic fields, numbers in E.164, the rest as diagnostics', () => {
    expect(
      read({
        event: 'newCall',
        callId: 'c1',
        from: '8 912 345-67-89',
        to: '84951112233',
        direction: 'in',
        user: ['Иванова', 'Петров'],
        ivr_choice: '2',
      }),
    ).toEqual({
      event: {
        callId: 'c1',
        event: 'newCall',
        from: '+79123456789',
        to: '+74951112233',
        direction: 'in',
        user: 'Иванова, Петров',
        at: at.toISOString(),
        diagnostics: { ivr_choice: '2' },
      },
    });
  });

  it('keeps what is not a number as sent', () => {
    expect(event({ event: 'newCall', from: 'anonymous' }).from).toBe('anonymous');
  });

  it.each([
    [{ callId: 'c1' }, 'body.event is required'],
    [{ event: 'newCall' }, 'body.callId is required'],
    [{ event: 'x', callId: 'c1' }, 'body.event must be one of newCall, answer, hangup'],
    [{ event: 'hangup', callId: 'c1', direction: 'up' }, 'body.direction must be one of in, out'],
    [{ event: 'hangup', callId: 'c1', cause: { a: 1 } }, 'body.cause must be a string'],
    [{ event: 'hangup', callId: 'c/1' }, 'body.callId must be 1–128 letters, digits or _ . : @ -'],
    [{ event: 'hangup', callId: 'c1', 'a b': '1' }, 'body: the field name "a b" is not one the desk keeps'],
  ])('refuses %j: %s', (body, error) => {
    expect(read(body)).toEqual({ error });
  });

  it('refuses more than 30 diagnostics', () => {
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'x']));
    expect(read({ event: 'newCall', callId: 'c1', ...many })).toEqual({
      error: "body has more than 30 fields besides the call's",
    });
  });
});

describe('a call merged from its events', () => {
  const newCall = event({ event: 'newCall', from: '89123456789', to: '84951112233', direction: 'in' });
  const answer = event({ event: 'answer', user: 'ivanova', to: '101' });
  const hangup = (cause: string) => event({ event: 'hangup', cause });

  it('is the same call in any order, each kind once', () => {
    const orders = [
      [newCall, answer, hangup('normalClearing')],
      [hangup('normalClearing'), answer, newCall, answer, newCall],
    ];
    const merged = orders.map((events) => {
      const facts = newCallFacts(events[0]!);
      for (const e of events) mergeCallEvent(facts, e);
      return { ...facts, seen: [...facts.seen].sort() };
    });
    expect(merged[1]).toEqual(merged[0]);
    expect(merged[0]).toMatchObject({ from: '+79123456789', to: '+74951112233', answeredBy: 'ivanova' });
    expect(isMissedCall(merged[0]!)).toBe(false);
  });

  it('is missed when an incoming call ends unanswered, not when it was forwarded or outgoing', () => {
    const ended = (cause: string, direction: CtiEvent = newCall) => {
      const facts = newCallFacts(direction);
      mergeCallEvent(facts, direction);
      mergeCallEvent(facts, hangup(cause));
      return facts;
    };
    expect(isMissedCall(ended('noAnswer'))).toBe(true);
    expect(isMissedCall(ended('cancel'))).toBe(true);
    expect(isMissedCall(ended('forwarded'))).toBe(false);
    expect(isMissedCall(ended('noAnswer', event({ event: 'newCall', from: '101', direction: 'out' })))).toBe(false);
    expect(isMissedCall(newCallFacts(newCall))).toBe(false);
  });

  it('makes a call-back ticket asking for the call-back service, none without a caller’s number', () => {
    const facts = newCallFacts(newCall);
    mergeCallEvent(facts, newCall);
    mergeCallEvent(facts, hangup('noAnswer'));
    const ticket = callTicket(facts, 'call-back')!;
    expect(ticket).toMatchObject({ channel: 'phone', client: { phone: '+79123456789' }, serviceCode: 'call-back' });
    expect(ticket.description).toMatch(/Причина \/ Cause: noAnswer/);
    expect(callTicket(facts, 'call')).not.toHaveProperty('serviceCode');
    expect(callTicket({ ...facts, from: 'anonymous' }, 'call-back')).toBeUndefined();
  });
});
