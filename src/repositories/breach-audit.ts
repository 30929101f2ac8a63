import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { outbox, queues, slaAgreements, ticketEvents } from '../db/schema';
import type { AuditEvent } from '../domain/breach-timeline';
import type { SlaTargetKind } from '../domain/enums';
import type { TicketStage } from '../domain/process';

export interface EscalationQuery {
  from: Date;
  to: Date;
  queueId?: number;
  target?: SlaTargetKind;
  limit: number;
  /** The id of the last row of the previous page. */
  after?: number;
}

/** One breach (with the escalation levels it led to) or one escalation by hand, as stored. */
export interface EscalationRow {
  id: number;
  kind: 'breach' | 'escalation';
  ticketId: number;
  stage: TicketStage;
  queueId: number | null;
  queueCode: string | null;
  assigneeId: string | null;
  /** The agreement the ticket is under now: its service and client category. */
  agreement: { id: number; service: string; clientCategory: string } | null;
  target: SlaTargetKind | null;
  /** The target's key in its events (`resolution:2`: round 2); null for an escalation by hand. */
  key: string | null;
  round: number;
  supportLine: number | null;
  dueAt: string | null;
  at: string;
  actor: string | null;
  reason: string | null;
  metAt: string | null;
  escalations: { level: number; at: string; toLine: number | null; queue: string | null; moved: boolean }[];
  /** Staff notices sent about the breach and its levels: `sla-breach:<key>:<operator>`, `sla-escalation:<key>:<level>:<operator>`. */
  noticesSent: string[];
  overdueReason: { code: string; nameRu: string; nameEn: string } | null;
}

const BREACHED = 'sla:breached:';

/** Whether an event id is a row of the audit: a cursor must be one. */
export async function isEscalationRow(db: Database, id: number): Promise<boolean> {
  const rows = await db.execute(
    sql`select 1 from ticket_events where id = ${id} and action in ('sla_breached', 'sla_escalated')`,
  );
  return rows.length > 0;
}

/**
 * Breaches and escalations by hand recorded in [from, to), oldest first, one page after `after`.
 * The period is one range of ticket_events_audit_idx; each row then looks up its own target's
 * met event, escalation levels and notices by the ticket's keys (unique index on ticket and key,
 * outbox's on ticket and purpose). The queue filter is the ticket's queue now.
 */
export async function listEscalations(db: Database, query: EscalationQuery): Promise<EscalationRow[]> {
  const filters: SQL[] = [sql`e.action in ('sla_breached', 'sla_escalated')`];
  // Escalation levels come with their breach; escalations by hand (no level) are rows of their own.
  filters.push(sql`(e.action = 'sla_breached' or e.data->>'level' is null)`);
  filters.push(sql`e.at >= ${query.from.toISOString()}::timestamptz and e.at < ${query.to.toISOString()}::timestamptz`);
  // The cursor's time is read in SQL: a JavaScript Date would drop its microseconds.
  if (query.after !== undefined)
    filters.push(sql`(e.at, e.id) > (select c.at, c.id from ticket_events c where c.id = ${query.after})`);
  if (query.queueId !== undefined) filters.push(sql`t.queue_id = ${query.queueId}`);
  if (query.target !== undefined) filters.push(sql`e.data->>'target' = ${query.target}`);
  const rows = await db.execute<{
    id: string | number;
    action: string;
    ticketId: string | number;
    stage: TicketStage;
    queueId: number | null;
    queueCode: string | null;
    assigneeId: string | null;
    agreementId: number | null;
    agreementService: string | null;
    agreementClientCategory: string | null;
    data: Record<string, unknown>;
    key: string | null;
    at: Date | string;
    actor: string | null;
    metAt: Date | string | null;
    escalations: { level: number; at: string; toLine: number | null; queue: string | null; moved: boolean }[] | null;
    noticesSent: string[] | null;
    reasonCode: string | null;
    reasonRu: string | null;
    reasonEn: string | null;
  }>(sql`
    select e.id, e.action, e.ticket_id as "ticketId", t.stage, t.queue_id as "queueId", q.code as "queueCode",
           t.assignee_id as "assigneeId", t.sla_agreement_id as "agreementId", s.code as "agreementService",
           a.client_category as "agreementClientCategory", e.data, k.key, e.at, e.actor,
           met.at as "metAt", esc.escalations, notices.purposes as "noticesSent",
           r.code as "reasonCode", r.name_ru as "reasonRu", r.name_en as "reasonEn"
    from ticket_events e
    join tickets t on t.id = e.ticket_id
    left join queues q on q.id = t.queue_id
    left join overdue_reasons r on r.code = t.overdue_reason
    left join sla_agreements a on a.id = t.sla_agreement_id
    left join catalog_services s on s.id = a.service_id
    cross join lateral (
      select case when e.action = 'sla_breached' then substr(e.dedupe_key, ${BREACHED.length + 1}) end as key
    ) k
    left join lateral (
      -- Met under the same key, or under the key an SLA change armed the target again with.
      select m.at from ticket_events m
      where m.ticket_id = e.ticket_id
        and (m.dedupe_key = 'sla:met:' || k.key or m.dedupe_key like 'sla:met:' || k.key || ':change%')
      order by m.at limit 1
    ) met on k.key is not null
    left join lateral (
      select jsonb_agg(jsonb_build_object(
               'level', (x.data->>'level')::int, 'at', x.at, 'toLine', (x.data->>'toLine')::int,
               'queue', x.data->>'queue', 'moved', coalesce((x.data->>'moved')::boolean, false))
             order by x.at, x.id) as escalations
      from ticket_events x
      where x.ticket_id = e.ticket_id and x.action = 'sla_escalated'
        and x.dedupe_key like 'sla:escalated:' || k.key || ':%' and x.dedupe_key ~ ('^sla:escalated:' || k.key || ':[0-9]+$')
    ) esc on k.key is not null
    left join lateral (
      select array_agg(o.purpose order by o.id) as purposes
      from outbox o
      where o.ticket_id = e.ticket_id and o.status = 'sent'
        and (o.purpose like 'sla-breach:' || k.key || ':%' or o.purpose like 'sla-escalation:' || k.key || ':%')
    ) notices on k.key is not null
    where ${sql.join(filters, sql` and `)}
    order by e.at, e.id
    limit ${query.limit}
  `);
  return [...rows].map((r) => {
    const data = r.data ?? {};
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    return {
      id: Number(r.id),
      kind: r.action === 'sla_breached' ? 'breach' : 'escalation',
      ticketId: Number(r.ticketId),
      stage: r.stage,
      queueId: r.queueId,
      queueCode: r.queueCode,
      assigneeId: r.assigneeId,
      agreement:
        r.agreementId === null
          ? null
          : { id: r.agreementId, service: r.agreementService ?? '', clientCategory: r.agreementClientCategory ?? '' },
      target: (typeof data.target === 'string' ? data.target : null) as SlaTargetKind | null,
      key: r.key,
      round: num(data.round) ?? 1,
      supportLine: num(data.supportLine) ?? num(data.fromLine),
      dueAt: typeof data.dueAt === 'string' ? data.dueAt : null,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      reason: typeof data.reason === 'string' ? data.reason : null,
      metAt: r.metAt === null ? null : new Date(r.metAt).toISOString(),
      escalations: (r.escalations ?? []).map((x) => ({ ...x, at: new Date(x.at).toISOString() })),
      noticesSent: r.noticesSent ?? [],
      overdueReason: r.reasonCode ? { code: r.reasonCode, nameRu: r.reasonRu!, nameEn: r.reasonEn! } : null,
    };
  });
}

/** The event columns a ticket's walk of its record reads (src/domain/breach-timeline.ts, ticketStates). */
export const ticketStateColumns = {
  at: ticketEvents.at,
  processId: ticketEvents.processId,
  elementId: ticketEvents.elementId,
  action: ticketEvents.action,
  actor: ticketEvents.actor,
  data: ticketEvents.data,
};

/** What a ticket's SLA timeline is drawn from: its events, the queues, the agreements it was under, the staff notices sent. */
export async function breachTimelineFacts(db: Database, ticketId: number) {
  const events: AuditEvent[] = await db
    .select({ id: ticketEvents.id, ...ticketStateColumns, dedupeKey: ticketEvents.dedupeKey })
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
  const agreementIds = [
    ...new Set(
      events
        .filter((e) => e.action === 'sla_started' || e.action === 'sla_changed')
        .map((e) => e.data.agreementId)
        .filter((id): id is number => typeof id === 'number'),
    ),
  ];
  const [queueRows, agreementRows, notices] = await Promise.all([
    db.select({ code: queues.code, name: queues.name, supportLine: queues.supportLine }).from(queues),
    agreementIds.length === 0
      ? Promise.resolve([])
      : db
          .select({
            id: slaAgreements.id,
            responseSeconds: slaAgreements.responseSeconds,
            resolutionSeconds: slaAgreements.resolutionSeconds,
          })
          .from(slaAgreements)
          .where(inArray(slaAgreements.id, agreementIds)),
    db
      .select({ purpose: outbox.purpose })
      .from(outbox)
      .where(sql`${outbox.ticketId} = ${ticketId} and ${outbox.status} = 'sent' and ${outbox.purpose} like 'sla-%'`),
  ]);
  const latestAgreement = [...events]
    .reverse()
    .find((e) => (e.action === 'sla_started' || e.action === 'sla_changed') && typeof e.data.agreementId === 'number');
  return {
    events,
    queues: new Map(queueRows.map((q) => [q.code, { name: q.name, supportLine: q.supportLine }])),
    agreements: new Map(agreementRows.map((a) => [a.id, a])),
    noticesSent: notices.map((n) => n.purpose),
    agreementId: (latestAgreement?.data.agreementId as number | undefined) ?? null,
    startedAt: events[0]?.at ?? new Date(),
  };
}

export async function queueIdByCode(db: Database, code: string): Promise<number | undefined> {
  const [row] = await db.select({ id: queues.id }).from(queues).where(eq(queues.code, code));
  return row?.id;
}
