import type { Database } from '../../db/client';
import type { ConsentKind, NoticeChannel } from '../../domain/enums';
import { consentHistoryOf, insertConsent } from '../../repositories/client-profiles';
import { invalid } from '../errors';
import type { From } from '../identity-service';
import { auditedChange, type Viewer } from './live-client';
import { consentRecordOf } from './profile-view';

/** `/clients/:id/consents/:kind`: consent to notifications or marketing, with its history. */
export function createClientConsents(deps: { db: Database }) {
  const { db } = deps;
  return {
    /** Consent given or withdrawn, on the date the client gave it (now when not said); the history is kept. */
    async recordConsent(
      actor: Viewer,
      clientId: number,
      kind: ConsentKind,
      input: { granted: boolean; at?: string; source?: string; channel?: NoticeChannel },
      from: From,
    ) {
      const at = input.at === undefined ? new Date() : new Date(input.at);
      if (Number.isNaN(at.getTime())) throw invalid('body.at: is not a usable date-time');
      if (at.getTime() > Date.now() + 60_000) throw invalid('body.at: is in the future');
      await auditedChange(db, actor, from, clientId, async (tx) => {
        await insertConsent(tx, {
          clientId,
          kind,
          granted: input.granted,
          at,
          channel: input.channel ?? null,
          source: input.source ?? null,
          recordedBy: actor.id,
        });
        return {
          result: undefined,
          action: input.granted ? 'consent_given' : 'consent_withdrawn',
          details: { kind, at: at.toISOString(), channel: input.channel ?? null, source: input.source ?? null },
        };
      });
      return (await consentHistoryOf(db, clientId)).map((c) => ({ kind: c.kind, ...consentRecordOf(c) }));
    },
  };
}
