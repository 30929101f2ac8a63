import { createGenericSms, createSmsRu } from './sms';

/** The gateways SMS_PROVIDER names, each behind the same SmsProvider interface. */
export const smsProviders = {
  smsru: createSmsRu,
  generic: createGenericSms,
} as const;
export type SmsProviderName = keyof typeof smsProviders;

/** Each gateway's own address, when SMS_BASE_URL does not name another; the generic one has none (config requires it). */
export const smsDefaultBaseUrls: Record<SmsProviderName, string> = {
  smsru: 'https://sms.ru',
  generic: '',
};
