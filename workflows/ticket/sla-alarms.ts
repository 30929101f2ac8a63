import { escalationNotice, slaBreachNotice, slaWarningNotice } from '../../src/domain/notices';
import { targetKey, type SlaAlarm } from '../sla';
import { db } from './proxies';
import type { SlaClock } from './sla-clock';

/** What the clock does when an alarm is due: one activity (or two) per event, no polling. */
export async function fireAlarm({ target: t, kind, at }: SlaAlarm, clock: SlaClock): Promise<void> {
  // A pause or an accept in the same activation as the timer wins over the alarm.
  if (t.met || t.runningSince === null || !t.plan) return;
  const { ticketId } = clock.ticket;
  const key = targetKey(t);
  const perRound = (t.round ?? 1) > 1 ? { round: t.round } : {};
  const dueAt = t.plan.dueAt;
  // When the alarm was due: the event keeps it, and how late it fired is measured (desk_sla_timer_lag_seconds).
  const plannedAt = new Date(at).toISOString();
  if (kind === 'warn') {
    t.warned = true;
    await db.recordSlaEvent({
      ticketId,
      action: 'sla_warned',
      target: t.kind,
      data: { dueAt, assigneeId: clock.ticket.assigneeId ?? null, plannedAt, ...perRound },
      dedupeKey: `sla:warned:${key}`,
    });
    const to = clock.ticket.assigneeId
      ? { operatorIds: [clock.ticket.assigneeId] }
      : t.kind === 'handover'
        ? { operatorIds: t.recipients }
        : { managers: true as const };
    clock.notify({ ticketId, purpose: `sla-warning:${key}`, to, ...slaWarningNotice(ticketId, t.kind, dueAt) });
  } else if (kind === 'breach') {
    t.breached = true;
    // Where on the clock the breach came: the planned budget, or the time used if that was past it.
    t.breachedAtUsedMs = Math.max(t.budgetMs, t.usedMs);
    const { supportLine } = clock.ticket;
    await db.recordSlaEvent({
      ticketId,
      action: 'sla_breached',
      target: t.kind,
      data: { dueAt, supportLine, plannedAt, ...perRound },
      dedupeKey: `sla:breached:${key}`,
    });
    clock.notify({
      ticketId,
      purpose: `sla-breach:${key}`,
      to: t.kind === 'handover' ? { operatorIds: t.recipients } : { managers: true },
      ...slaBreachNotice(ticketId, t.kind, dueAt, clock.ticket.supportLine),
    });
  } else {
    t.escalations++;
    const level = t.escalations;
    const moved = await db.escalateTicket({
      ticketId,
      level,
      target: t.kind,
      plannedAt,
      dedupeKey: `sla:escalated:${key}:${level}`,
    });
    clock.escalated(moved);
    const recipients = t.kind === 'handover' ? t.recipients : (clock.terms?.escalationRecipients[level - 1] ?? []);
    clock.notify({
      ticketId,
      purpose: `sla-escalation:${key}:${level}`,
      to: { operatorIds: recipients },
      ...escalationNotice(ticketId, level, t.kind, dueAt, {
        supportLine: moved.supportLine,
        queueCode: moved.queue.code,
      }),
    });
  }
}
