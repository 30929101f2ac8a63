import type { Database } from '../db/client';
import { maySeeDetails, type Actor } from '../domain/access';
import { LONGEST_AUDIT_DAYS, targetTimelines } from '../domain/breach-timeline';
import type { SlaTargetKind } from '../domain/enums';
import {
  breachTimelineFacts,
  isEscalationRow,
  listEscalations,
  queueIdByCode,
  type EscalationRow,
} from '../repositories/breach-audit';
import { agreementCalendar } from '../repositories/calendars';
import { loadTicketSummary } from '../repositories/tickets';
import { DeskError, notFound } from './errors';

type Viewer = Pick<Actor, 'id' | 'role' | 'queueAccess'>;

const DAY_MS = 86_400_000;

/** Who a notice reached: the operator ids after `<purpose>:` (a longer key is another target's notice). */
const recipientsOf = (purposes: readonly string[], purpose: string) =>
  purposes
    .filter((p) => p.startsWith(`${purpose}:`) && !p.slice(purpose.length + 1).includes(':'))
    .map((p) => p.slice(purpose.length + 1));

/** `handover:2` → 2; null for the client's targets. */
const handoverOf = (key: string | null) => {
  const match = key ? /^handover:(\d+)/.exec(key) : null;
  return match ? Number(match[1]) : null;
};

function dateOf(name: string, value: string): Date {
  const at = new Date(value);
  // The schema's date-time format lets a leap second (23:59:60) through, which Date cannot hold.
  if (Number.isNaN(at.getTime())) throw new DeskError('VALIDATION', `querystring.${name} is not a usable date-time`);
  return at;
}

/**
 * The escalation audit: breaches and escalations of a period, and for one ticket why each of its
 * targets breached. Read from the recorded events, never from the workflows. Blind rules: an
 * operator who may not see a ticket's contents gets its number, queue and times, not its
 * agreement (it names the service and the client's category), reasons or timeline.
 */
export function createAuditService({ db, now = () => new Date() }: { db: Database; now?: () => Date }) {
  const rowOf = (viewer: Viewer, row: EscalationRow, at: Date) => {
    const details = maySeeDetails(viewer, row);
    const endOfOverrun = row.metAt ? Date.parse(row.metAt) : at.getTime();
    return {
      id: row.id,
      kind: row.kind,
      ticket: {
        id: row.ticketId,
        stage: row.stage,
        queue: row.queueId === null ? null : { id: row.queueId, code: row.queueCode! },
      },
      target: row.target,
      handover: handoverOf(row.key),
      round: row.round,
      supportLine: row.supportLine,
      ...(details ? { agreement: row.agreement } : {}),
      dueAt: row.dueAt,
      at: row.at,
      overrunMs: row.kind === 'breach' && row.dueAt ? Math.max(0, endOfOverrun - Date.parse(row.dueAt)) : null,
      state: row.kind === 'escalation' ? null : row.metAt ? ('met' as const) : ('open' as const),
      metAt: row.metAt,
      notified: row.key ? recipientsOf(row.noticesSent, `sla-breach:${row.key}`) : [],
      escalations: row.escalations.map((x) => ({
        ...x,
        notified: recipientsOf(row.noticesSent, `sla-escalation:${row.key}:${x.level}`),
      })),
      escalatedBy: row.kind === 'escalation' ? row.actor : null,
      ...(details ? { reason: row.reason } : {}),
      overdueReason: row.overdueReason,
    };
  };

  return {
    async escalations(
      viewer: Viewer,
      query: { from: string; to: string; queue?: string; target?: SlaTargetKind; limit: number; after?: number },
    ) {
      const from = dateOf('from', query.from);
      const to = dateOf('to', query.to);
      if (to <= from) throw new DeskError('VALIDATION', 'querystring.to must be after querystring.from');
      if (to.getTime() - from.getTime() > LONGEST_AUDIT_DAYS * DAY_MS)
        throw new DeskError('VALIDATION', `querystring.to: the period may be at most ${LONGEST_AUDIT_DAYS} days`);
      const queueId = query.queue === undefined ? undefined : await queueIdByCode(db, query.queue);
      if (query.queue !== undefined && queueId === undefined)
        throw new DeskError('VALIDATION', `querystring.queue: there is no queue "${query.queue}"`);
      if (query.after !== undefined && !(await isEscalationRow(db, query.after)))
        throw new DeskError('VALIDATION', `querystring.after: ${query.after} is not a row of the audit`);
      const rows = await listEscalations(db, {
        from,
        to,
        limit: query.limit,
        ...(queueId !== undefined ? { queueId } : {}),
        ...(query.target ? { target: query.target } : {}),
        ...(query.after !== undefined ? { after: query.after } : {}),
      });
      const at = now();
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        now: at.toISOString(),
        items: rows.map((row) => rowOf(viewer, row, at)),
        next: rows.length === query.limit ? rows[rows.length - 1]!.id : null,
      };
    },

    /** Per SLA target of the ticket: its timeline and, if it breached, why. */
    async ticketBreaches(viewer: Viewer, ticketId: number) {
      const summary = await loadTicketSummary(db, ticketId);
      if (!summary) throw notFound(`ticket ${ticketId}`);
      const facts = await breachTimelineFacts(db, ticketId);
      const [agreement, handover] = await Promise.all([
        agreementCalendar(db, ticketId, facts.agreementId, facts.startedAt),
        agreementCalendar(db, ticketId, null, facts.startedAt),
      ]);
      const at = now();
      const targets = targetTimelines({ ...facts, calendars: { agreement, handover }, now: at });
      const base = { ticketId, stage: summary.stage, now: at.toISOString() };
      if (maySeeDetails(viewer, summary)) return { ...base, details: true, targets };
      return {
        ...base,
        details: false,
        targets: targets.map((t) => ({
          target: t.target,
          handover: t.handover,
          startedAt: t.startedAt,
          metAt: t.metAt,
          breaches: t.breaches.map(({ round, dueAt, breachedAt }) => ({ round, dueAt, breachedAt })),
        })),
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
