import type { Database } from '../../db/client';
import { normalizeContactOf, type ContactKind } from '../../domain/contacts';
import type { PhoneCountry } from '../../domain/phone';
import {
  contactOwner,
  deleteContact,
  deleteContactValue,
  insertContact,
  lockContactValue,
  type Tx,
} from '../../repositories/client-profiles';
import { DeskError, invalid, notFound } from '../errors';
import type { From } from '../identity-service';
import { auditedChange, type Viewer } from './live-client';
import { contactOf } from './profile-view';

/** The contact as stored; 400 naming the field when it is no phone, e-mail or username. */
export const contactValue = (country: PhoneCountry, field: string, kind: ContactKind, value: string) => {
  const normalized = normalizeContactOf(kind, value, country);
  if ('problem' in normalized) throw invalid(`${field}: ${normalized.problem}`);
  return normalized.value;
};

/** The contact must be nobody else's; held (advisory lock) until the transaction ends. */
export async function claimContact(
  tx: Tx,
  field: string,
  kind: ContactKind,
  value: string,
  clientId: number | null,
  options: { promote?: boolean } = {},
) {
  await lockContactValue(tx, kind, value);
  const owner = await contactOwner(tx, kind, value);
  if (owner === undefined) return;
  // The client's own further contact made its primary one: it moves rather than doubles.
  if (owner === clientId && options.promote && (await deleteContactValue(tx, owner, kind, value))) return;
  throw new DeskError(
    'CONTACT_TAKEN',
    owner === clientId
      ? `${field}: ${value} is already a contact of this client`
      : `${field}: ${value} is a contact of client ${owner}`,
  );
}

/** `/clients/:id/contacts`: a client's further phones, e-mails and Telegram usernames. */
export function createClientContacts(deps: { db: Database; country: PhoneCountry }) {
  const { db, country } = deps;
  return {
    async addContact(
      actor: Viewer,
      clientId: number,
      input: { kind: ContactKind; value: string; label?: string },
      from: From,
    ) {
      const value = contactValue(country, 'body.value', input.kind, input.value);
      return auditedChange(db, actor, from, clientId, async (tx) => {
        await claimContact(tx, 'body.value', input.kind, value, clientId);
        const row = await insertContact(tx, { clientId, kind: input.kind, value, label: input.label ?? null });
        return { result: contactOf(row), action: 'contact_added', details: { kind: row.kind, value: row.value } };
      });
    },

    async removeContact(actor: Viewer, clientId: number, contactId: number, from: From) {
      return auditedChange(db, actor, from, clientId, async (tx) => {
        const row = await deleteContact(tx, clientId, contactId);
        if (!row) throw notFound(`contact ${contactId} of client ${clientId}`);
        return { result: { removed: true }, action: 'contact_removed', details: { kind: row.kind, value: row.value } };
      });
    },
  };
}
