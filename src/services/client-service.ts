import type { Database } from '../db/client';
import { DEFAULT_PHONE_COUNTRY, type PhoneCountry } from '../domain/phone';
import type { ArticleService } from './article-service';
import type { TicketReads } from './ticket-reads';
import { createClientConsents } from './clients/consents';
import { createClientContacts } from './clients/contacts';
import { createClientDevices } from './clients/devices';
import { createClientHistory } from './clients/history';
import { createClientMerge } from './clients/merge';
import { createClientProfiles } from './clients/profiles';

/**
 * Client profiles: a person or a company with its legal details, contacts of each kind, devices,
 * consents, and their tickets with every article in one timeline; search; merging duplicates.
 * One part per URL group, in src/services/clients/; what every part keeps (a merged client reads
 * 301 and refuses changes, every change is audited) is clients/live-client.ts. The parts' method
 * names are distinct: a later spread would replace an earlier one without a word.
 */
export function createClientService(deps: {
  db: Database;
  reads: TicketReads;
  articles: ArticleService;
  phoneCountry?: PhoneCountry;
}) {
  const { db, reads, articles } = deps;
  const country = deps.phoneCountry ?? DEFAULT_PHONE_COUNTRY;

  return {
    ...createClientProfiles({ db, country }),
    ...createClientContacts({ db, country }),
    ...createClientDevices({ db }),
    ...createClientConsents({ db }),
    ...createClientMerge({ db }),
    ...createClientHistory({ db, reads, articles }),
  };
}

export type ClientService = ReturnType<typeof createClientService>;
