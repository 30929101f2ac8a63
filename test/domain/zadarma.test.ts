import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readZadarmaNotification, zadarmaSignature } from '../../src/channels/zadarma';

const SECRET = 'zadarma-api-secret';

/** The signature as Zadarma's PHP makes it: base64_encode(hash_hmac('sha1', $text, $secret)), the hmac in hex. */
const phpSignature = (text: string) =>
  Buffer.from(createHmac('sha1', SECRET).update(text).digest('hex'), 'utf8').toString('base64');

const start = {
  event: 'NOTIFY_START',
  call_start: '2026-12-08 10:15:00',
  pbx_call_id: 'in_0c1f2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6',
  caller_id: '79161234567',
  called_did: '74951112233',
};
const signed = (fields: Record<string, string>, ...names: string[]) =>
  readZadarmaNotification(fields, phpSignature(names.map((n) => fields[n] ?? '').join('')), SECRET);

describe('Zadarma’s call notifications read into the generic CTI format', () => {
  it('signs as Zadarma’s PHP does: base64 of the hex HMAC-SHA1', () => {
    expect(zadarmaSignature('79161234567749511122332026-12-08 10:15:00', SECRET)).toBe(
      phpSignature('79161234567749511122332026-12-08 10:15:00'),
    );
    // 40 hex characters, base64: 56 characters, not the 28 of the raw digest's.
    expect(zadarmaSignature('x', SECRET)).toHaveLength(56);
  });

  it('maps each event of an incoming call onto newCall, answer and hangup, signed over its own fields', () => {
    expect(signed(start, 'caller_id', 'called_did', 'call_start')).toEqual({
      events: [
        {
          event: 'newCall',
          callId: start.pbx_call_id,
          direction: 'in',
          from: '79161234567',
          to: '74951112233',
        },
      ],
    });
    expect(
      signed({ ...start, event: 'NOTIFY_INTERNAL', internal: '101' }, 'caller_id', 'called_did', 'call_start'),
    ).toMatchObject({ events: [{ event: 'newCall', user: '101', direction: 'in' }] });
    const answer = { ...start, event: 'NOTIFY_ANSWER', destination: '101', internal: '101' };
    delete (answer as Partial<typeof answer>).called_did;
    expect(signed(answer, 'caller_id', 'destination', 'call_start')).toEqual({
      events: [{ event: 'answer', callId: start.pbx_call_id, direction: 'in', from: '79161234567', user: '101' }],
    });
    const dispositions: [string, string][] = [
      ['answered', 'normalClearing'],
      ['busy', 'busy'],
      ['cancel', 'cancel'],
      ['no answer', 'noAnswer'],
      ['failed', 'congestion'],
      ['unallocated number', 'notFound'],
      ['no money', 'no money'],
    ];
    for (const [disposition, cause] of dispositions)
      expect(
        signed({ ...start, event: 'NOTIFY_END', disposition, duration: '0' }, 'caller_id', 'called_did', 'call_start'),
      ).toMatchObject({ events: [{ event: 'hangup', cause, direction: 'in', from: '79161234567' }] });
  });

  it('maps an outgoing call: the extension to the number dialled; its answer told by its end', () => {
    const out = {
      event: 'NOTIFY_OUT_START',
      call_start: '2026-12-08 11:00:00',
      pbx_call_id: 'out_1a2b3c',
      internal: '102',
      destination: '79031112233',
    };
    expect(signed(out, 'internal', 'destination', 'call_start')).toEqual({
      events: [
        { event: 'newCall', callId: 'out_1a2b3c', direction: 'out', from: '102', to: '79031112233', user: '102' },
      ],
    });
    const ended = { ...out, event: 'NOTIFY_OUT_END', caller_id: '74951112233', disposition: 'answered' };
    expect(signed(ended, 'internal', 'destination', 'call_start')).toMatchObject({
      events: [
        { event: 'answer', from: '74951112233', direction: 'out' },
        { event: 'hangup', cause: 'normalClearing', direction: 'out' },
      ],
    });
    expect(signed({ ...ended, disposition: 'busy' }, 'internal', 'destination', 'call_start')).toMatchObject({
      events: [{ event: 'hangup', cause: 'busy' }],
    });
  });

  it('refuses a missing or wrong signature before reading the call, in constant time', () => {
    expect(readZadarmaNotification(start, undefined, SECRET)).toMatchObject({
      refusal: 'unsigned',
      error: expect.stringMatching(/Signature header is required/),
    });
    const good = phpSignature(`${start.caller_id}${start.called_did}${start.call_start}`);
    expect(readZadarmaNotification(start, good, 'another-secret')).toMatchObject({
      refusal: 'badSignature',
      error: expect.stringMatching(/ZADARMA_SECRET/),
    });
    // A signature of one call does not sign another caller, nor the raw-digest form of the same.
    expect(readZadarmaNotification({ ...start, caller_id: '79990001122' }, good, SECRET)).toMatchObject({
      refusal: 'badSignature',
    });
    const raw = createHmac('sha1', SECRET)
      .update(`${start.caller_id}${start.called_did}${start.call_start}`)
      .digest('base64');
    expect(readZadarmaNotification(start, raw, SECRET)).toMatchObject({ refusal: 'badSignature' });
    // Even a body that would be malformed is refused for its signature first: nothing of it is read.
    expect(readZadarmaNotification({ event: 'NOTIFY_START' }, 'bm9wZQ==', SECRET)).toMatchObject({
      refusal: 'badSignature',
    });
  });

  it('answers a signed recording or IVR notification and lets it be', () => {
    const record = { event: 'NOTIFY_RECORD', pbx_call_id: 'in_1', call_id_with_rec: '1733650000.123' };
    expect(signed(record, 'pbx_call_id', 'call_id_with_rec')).toEqual({ ignored: 'NOTIFY_RECORD' });
    expect(readZadarmaNotification(record, 'bm9wZQ==', SECRET)).toMatchObject({ refusal: 'badSignature' });
  });

  it('names the field to fix in a malformed notification', () => {
    const cases: [unknown, RegExp][] = [
      ['event=NOTIFY_START', /body must be the form/],
      [{ ...start, event: 'NOTIFY_SOMETHING' }, /body\.event must be one of NOTIFY_START, .*\(not NOTIFY_SOMETHING\)/],
      [{ ...start, event: undefined }, /body\.event must be one of/],
      [{ ...start, pbx_call_id: undefined }, /body\.pbx_call_id is required/],
      [{ ...start, pbx_call_id: 'in 1/2' }, /body\.pbx_call_id must be/],
      [{ ...start, caller_id: 'x'.repeat(501) }, /body\.caller_id is longer than 500/],
      [{ ...start, called_did: { nested: true } }, /body\.called_did must be a string/],
      [{ ...start, event: 'NOTIFY_END' }, /body\.disposition is required in NOTIFY_END/],
    ];
    for (const [fields, message] of cases) {
      const body = fields as Record<string, string>;
      const reading =
        typeof fields === 'object'
          ? signed(body, 'caller_id', 'called_did', 'call_start')
          : readZadarmaNotification(fields, 'x', SECRET);
      expect(reading, JSON.stringify(fields)).toMatchObject({ error: expect.stringMatching(message) });
      expect(reading).not.toHaveProperty('refusal');
    }
  });
});
