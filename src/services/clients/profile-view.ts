import type { Database } from '../../db/client';
import { noticeChannels, type ConsentKind, type NoticeChannel } from '../../domain/enums';
import { consentOn } from '../../domain/notice-consent';
import {
  consentHistoryOf,
  contactsOf,
  devicesOf,
  telegramChatsOf,
  type ClientRow,
} from '../../repositories/client-profiles';

/** A company's legal details: shown together under `legal`, and taken together from a merged duplicate. */
export const legalFields = [
  'legalName',
  'inn',
  'kpp',
  'ogrn',
  'legalAddress',
  'bankName',
  'bankBik',
  'bankAccount',
  'bankCorrAccount',
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A consent record as the API shows it. */
export const consentRecordOf = (c: {
  granted: boolean;
  at: Date;
  channel: NoticeChannel | null;
  source: string | null;
  recordedBy: string | null;
}) => ({ granted: c.granted, at: c.at.toISOString(), channel: c.channel, source: c.source, recordedBy: c.recordedBy });

/** A client as search lists it and as a profile begins. */
export const summaryOf = (row: ClientRow) => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  legalName: row.legalName,
  inn: row.inn,
  phone: row.phone,
  email: row.email,
  category: row.category,
  preferredChannel: row.preferredChannel,
  createdAt: row.createdAt.toISOString(),
});

export const contactOf = (c: Awaited<ReturnType<typeof contactsOf>>[number]) => ({
  id: c.id,
  kind: c.kind,
  value: c.value,
  label: c.label,
  createdAt: c.createdAt.toISOString(),
});

export const deviceOf = (d: Awaited<ReturnType<typeof devicesOf>>[number]) => ({
  id: d.id,
  model: d.model,
  serial: d.serial,
  imei: d.imei,
  note: d.note,
  createdAt: d.createdAt.toISOString(),
});

/** The whole profile: legal details, contacts, Telegram chats, devices, and each consent now and per channel. */
export async function profileOf(db: Database, row: ClientRow) {
  const [contacts, devices, consents, chats] = await Promise.all([
    contactsOf(db, row.id),
    devicesOf(db, row.id),
    consentHistoryOf(db, row.id),
    telegramChatsOf(db, row.id),
  ]);
  const consentOf = (kind: ConsentKind) => {
    const records = consents.filter((c) => c.kind === kind);
    const latest = records[0];
    if (!latest) return null;
    return {
      ...consentRecordOf(latest),
      channels: Object.fromEntries(
        noticeChannels.map((channel) => {
          const deciding = consentOn(records, channel);
          return [channel, deciding && consentRecordOf(deciding)];
        }),
      ),
    };
  };
  return {
    ...summaryOf(row),
    legal: Object.fromEntries(legalFields.map((f) => [f, row[f]])),
    note: row.note,
    version: row.version,
    contacts: contacts.map(contactOf),
    telegramChats: chats.map((c) => ({ ...c, linkedAt: iso(c.linkedAt), blockedAt: iso(c.blockedAt) })),
    devices: devices.map(deviceOf),
    consents: { notifications: consentOf('notifications'), marketing: consentOf('marketing') },
    updatedAt: row.updatedAt.toISOString(),
  };
}
