import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SmsCallbackError, SmsSignatureError } from '../src/channels/sms';
import { readSmscCallback } from '../src/channels/smsc';
import { smscInboundCallback } from './support/sms-gateways';

const SECRET = 'smsc-callback-secret';
const fieldsOf = (form: string) => Object.fromEntries(new URLSearchParams(form));
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sms = { id: '4711', phone: '79161234567', mes: 'Ноутбук уже готов?', to: '79991112233' };

/** SMSC's callbacks read alone (no desk): which kind a form is, its fields, its signature. */
describe('SMSC callbacks (readSmscCallback)', () => {
  it('reads an incoming SMS at either URL: the sender as +digits, its text, SMSC’s id kept apart', () => {
    for (const at of ['inbound', 'status'] as const)
      expect(readSmscCallback(fieldsOf(smscInboundCallback(sms)), undefined, at)).toEqual({
        reports: [],
        inbound: { id: 'smsc:4711', from: '+79161234567', text: 'Ноутбук уже готов?' },
        answer: 'OK',
      });
    // An empty SMS is still one (its ticket gets "(SMS)" for a subject); `to` is not required.
    expect(readSmscCallback({ id: '1', phone: '+79161234567', mes: '' }, undefined, 'inbound').inbound).toEqual({
      id: 'smsc:1',
      from: '+79161234567',
      text: '',
    });
  });

  it('reads a delivery status at either URL, as the status URL always has', () => {
    const status = { id: '12', phone: '79161234567', status: '1', err: '0', time: '1765000000' };
    for (const at of ['inbound', 'status'] as const)
      expect(readSmscCallback(status, undefined, at)).toEqual({
        reports: [{ providerId: '12/+79161234567', delivery: 'delivered' }],
        answer: 'OK',
      });
  });

  it('names the field at fault, in the terms of the URL the form came to', () => {
    const refusal = (fields: Record<string, string>, at: 'inbound' | 'status' = 'inbound') => {
      try {
        readSmscCallback(fields, undefined, at);
      } catch (error) {
        expect(error).toBeInstanceOf(SmsCallbackError);
        return (error as Error).message;
      }
      throw new Error('read');
    };
    expect(refusal({ phone: sms.phone, mes: 'hi' })).toMatch(/^body\.id is required/);
    expect(refusal({ id: '1', mes: 'hi' })).toMatch(/^body\.phone is required/);
    expect(refusal({ id: '1', phone: sms.phone })).toMatch(/^body\.mes is required/);
    // Neither kind: the inbound URL asks for an SMS, the status URL for a status.
    expect(refusal({ id: '1', phone: sms.phone }, 'status')).toMatch(/^body\.status is required/);
    expect(refusal({ id: '1', phone: 'MegaFon', mes: 'hi' })).toMatch(/^body\.phone must be the sender's number/);
    expect(refusal({ id: '1 2', phone: sms.phone, mes: 'hi' })).toMatch(/^body\.id must be/);
    expect(refusal({ id: '1', phone: sms.phone, mes: 'x'.repeat(2001) })).toMatch(/^body\.mes must be at most 2000/);
    // "Готов?" as SMSC posts it without ?charset=utf-8 in the handler URL: windows-1251, read as UTF-8.
    const garbled = fieldsOf(`id=1&phone=${sms.phone}&mes=%C3%EE%F2%EE%E2%3F`);
    expect(refusal(garbled)).toMatch(/add \?charset=utf-8 to the handler URL/);
  });

  it('checks the signature only with a secret: md5 of phone:mes:to (an SMS) or id:phone:status (a status)', () => {
    const signed = fieldsOf(smscInboundCallback(sms, SECRET));
    expect(signed.md5).toBe(md5(`79161234567:Ноутбук уже готов?:79991112233:${SECRET}`));
    expect(readSmscCallback(signed, SECRET, 'inbound').inbound?.id).toBe('smsc:4711');
    expect(readSmscCallback({ ...signed, md5: signed.md5!.toUpperCase() }, SECRET, 'inbound').inbound).toBeDefined();
    // Without a secret configured the path's SMS_TOKEN is the check, and a signature is not read.
    expect(readSmscCallback({ ...signed, md5: 'whatever' }, undefined, 'inbound').inbound).toBeDefined();
    const status = { id: '12', phone: '79161234567', status: '20' };
    expect(readSmscCallback({ ...status, md5: md5(`12:79161234567:20:${SECRET}`) }, SECRET, 'status').reports).toEqual([
      { providerId: '12/+79161234567', delivery: 'failed' },
    ]);
    const sha1 = createHash('sha1').update(`12:79161234567:20:${SECRET}`).digest('hex');
    expect(readSmscCallback({ ...status, sha1 }, SECRET, 'status').reports).toHaveLength(1);
  });

  it('refuses a callback whose signature is missing, wrong, or of other fields', () => {
    const signed = fieldsOf(smscInboundCallback(sms, SECRET));
    const refused = (fields: Record<string, string>) => () => readSmscCallback(fields, SECRET, 'inbound');
    expect(refused({ ...signed, md5: '' })).toThrow(SmsSignatureError);
    const { md5: _, ...unsigned } = signed;
    expect(refused(unsigned)).toThrow(/^body\.md5 is required: SMS_CALLBACK_SECRET is set/);
    expect(refused({ ...signed, mes: 'Другой текст' })).toThrow(/^body\.md5 is not SMSC's signature/);
    expect(refused(fieldsOf(smscInboundCallback(sms, 'another-secret')))).toThrow(SmsSignatureError);
    expect(refused({ id: '12', phone: sms.phone, status: '1', md5: md5(`12:${sms.phone}:2:${SECRET}`) })).toThrow(
      SmsSignatureError,
    );
  });
});
