import { createGenericSms, createSmsRu } from './sms';
import { createSmsAero } from './sms-aero';
import { createSmsc } from './smsc';

/** The gateways SMS_PROVIDER names, each behind the same SmsProvider interface. */
export const smsProviders = {
  smsru: createSmsRu,
  smsc: createSmsc,
  smsaero: createSmsAero,
  generic: createGenericSms,
} as const;
export type SmsProviderName = keyof typeof smsProviders;

/** Each gateway's own address, when SMS_BASE_URL does not name another; the generic one has none (config requires it). */
export const smsDefaultBaseUrls: Record<SmsProviderName, string> = {
  smsru: 'https://sms.ru',
  smsc: 'https://smsc.ru',
  smsaero: 'https://gate.smsaero.ru',
  generic: '',
};
