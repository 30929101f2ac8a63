/**
 * A ticket's trail through a process: its events grouped into visits of elements. A visit is
 * a run of consecutive events at one element (several `execute` work records are one visit);
 * it lasts from its first event to the ticket's next event at another element. The SQL
 * statistics (repositories/process-stats.ts) use the same definition.
 */

export interface TrailEvent {
  id: number;
  elementId: string;
  action: string;
  actor: string | null;
  /** ISO date-time. */
  at: string;
  data?: Record<string, unknown>;
}

export interface TrailVisit {
  elementId: string;
  enteredAt: string;
  /** When the ticket's next visit began; null while the ticket is still here. */
  leftAt: string | null;
  durationMs: number | null;
  /** Who acted during the visit, in order, without repeats. */
  actors: string[];
  events: TrailEvent[];
}

/** Events must come oldest first (by time, then id), as the trail query returns them. */
export function visitsOf(events: readonly TrailEvent[]): TrailVisit[] {
  const visits: TrailVisit[] = [];
  for (const event of events) {
    const current = visits[visits.length - 1];
    if (current && current.elementId === event.elementId) {
      current.events.push(event);
      if (event.actor && !current.actors.includes(event.actor)) current.actors.push(event.actor);
      continue;
    }
    if (current) {
      current.leftAt = event.at;
      current.durationMs = Date.parse(event.at) - Date.parse(current.enteredAt);
    }
    visits.push({
      elementId: event.elementId,
      enteredAt: event.at,
      leftAt: null,
      durationMs: null,
      actors: event.actor ? [event.actor] : [],
      events: [event],
    });
  }
  return visits;
}

/** The elements a ticket went through, repeats of the same element collapsed. */
export function pathOf(events: readonly Pick<TrailEvent, 'elementId'>[]): string[] {
  const path: string[] = [];
  for (const { elementId } of events) if (path[path.length - 1] !== elementId) path.push(elementId);
  return path;
}
