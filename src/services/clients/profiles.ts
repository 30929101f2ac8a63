import type { Database } from '../../db/client';
import type { ClientCategory, ClientKind, NotificationChannel } from '../../domain/enums';
import { legalDetailsProblems } from '../../domain/client-legal';
import { normalizeContactOf, type ContactKind } from '../../domain/contacts';
import type { PhoneCountry } from '../../domain/phone';
import {
  findClient,
  insertClient,
  recordClientAudit,
  searchClients,
  updateClient,
  type ClientFields,
  type ClientRow,
  type Tx,
} from '../../repositories/client-profiles';
import { DeskError, invalid } from '../errors';
import type { From } from '../identity-service';
import { claimContact, contactValue } from './contacts';
import { auditedChange, readableClient, type Page, type Viewer } from './live-client';
import { profileOf, summaryOf } from './profile-view';

/** A profile's fields as the API takes them; `null` clears one. */
export interface ClientInput {
  kind?: ClientKind;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  category?: ClientCategory;
  preferredChannel?: NotificationChannel;
  legalName?: string | null;
  inn?: string | null;
  kpp?: string | null;
  ogrn?: string | null;
  legalAddress?: string | null;
  bankName?: string | null;
  bankBik?: string | null;
  bankAccount?: string | null;
  bankCorrAccount?: string | null;
  note?: string | null;
}

/** The fields a change names whose value differs from the stored one: what is written and audited. */
function changedFields(before: ClientRow, change: ClientFields) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(change) as [keyof ClientFields, unknown][])
    if (to !== undefined && before[field] !== to) changed[field] = { from: before[field], to };
  return changed;
}

/** `/clients` and `/clients/:id`: finding, reading, creating and changing a profile. */
export function createClientProfiles(deps: { db: Database; country: PhoneCountry }) {
  const { db, country } = deps;
  const readable = (clientId: number) => readableClient(db, clientId);
  const profile = (row: ClientRow) => profileOf(db, row);

  /** The input as stored: contacts normalised, legal details checked against the profile they make. */
  const fieldsOf = (input: ClientInput, before?: ClientRow): ClientFields => {
    const fields: ClientFields = { ...input };
    if (input.phone) fields.phone = contactValue(country, 'body.phone', 'phone', input.phone);
    if (input.email) fields.email = contactValue(country, 'body.email', 'email', input.email);
    const after = { kind: 'person' as ClientKind, ...before, ...fields };
    const [problem] = legalDetailsProblems(after);
    if (problem) throw invalid(`body.${problem}`);
    return fields;
  };

  const claimPrimaries = async (tx: Tx, fields: ClientFields, clientId: number | null) => {
    const promote = { promote: clientId !== null };
    if (fields.phone) await claimContact(tx, 'body.phone', 'phone', fields.phone, clientId, promote);
    if (fields.email) await claimContact(tx, 'body.email', 'email', fields.email, clientId, promote);
  };

  return {
    /** 404 for no such client, 301 to the survivor for a merged one. */
    ensureReadable: async (clientId: number) => {
      await readable(clientId);
    },

    read: async (clientId: number) => profile(await readable(clientId)),

    async search(text: string, page: Page) {
      const trimmed = text.trim();
      const contact = (kind: ContactKind) => {
        const normalized = normalizeContactOf(kind, trimmed, country);
        return 'value' in normalized ? normalized.value : undefined;
      };
      const rows = await searchClients(
        db,
        { text: trimmed, phone: contact('phone'), email: contact('email'), telegram: contact('telegram') },
        page,
      );
      return rows.map(summaryOf);
    },

    async create(actor: Viewer, input: ClientInput, from: From) {
      const fields = fieldsOf(input);
      const created = await db.transaction(async (tx) => {
        await claimPrimaries(tx, fields, null);
        const row = await insertClient(tx, fields);
        await recordClientAudit(tx, {
          actorId: actor.id,
          action: 'client_created',
          clientId: row.id,
          details: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)),
          address: from.address,
        });
        return row;
      });
      return profile(created);
    },

    /** Only the fields given change; with `version`, a change made against an older profile is refused (409). */
    async update(actor: Viewer, clientId: number, input: ClientInput & { version?: number }, from: From) {
      const { version, ...change } = input;
      await auditedChange(db, actor, from, clientId, async (tx, before) => {
        if (version !== undefined && version !== before.version)
          throw new DeskError(
            'STALE_VERSION',
            `body.version: client ${clientId} is at version ${before.version}, the change was made against ${version}`,
          );
        const fields = fieldsOf(change, before);
        const changed = changedFields(before, fields);
        if (Object.keys(changed).length === 0) return { result: undefined };
        await claimPrimaries(
          tx,
          { phone: changed.phone ? fields.phone : undefined, email: changed.email ? fields.email : undefined },
          clientId,
        );
        await updateClient(
          tx,
          clientId,
          Object.fromEntries(Object.keys(changed).map((f) => [f, fields[f as keyof ClientFields]])),
        );
        return { result: undefined, action: 'client_changed', details: changed };
      });
      return profile((await findClient(db, clientId))!);
    },
  };
}
