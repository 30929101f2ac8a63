import * as processDomain from '../../src/domain/process';

/**
 * Code and diagrams may not drift apart. Everything is derived from processes/*.bpmn and from
 * the element-id constants of src/domain/process.ts (every export named `…Element`), so a new
 * diagram element fails here until some ticket below records it, and a new recorded id fails
 * until a diagram has it.
 */
export const recordableElementIds = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(processDomain)
      .filter(([name, value]) => name.endsWith('Element') && typeof value === 'object' && value !== null)
      .flatMap(([name, value]) =>
        Object.entries(value as Record<string, unknown>)
          .filter(([, id]) => typeof id === 'string')
          .map(([key, id]) => [`${name}.${key}`, id as string]),
      ),
  );

/** An event as the conformance checks read it: its element, its process and the key that names its SLA target. */
export interface Recorded {
  elementId: string;
  processId: string;
  dedupeKey: string;
}

export const AGREEMENT_TARGETS = ['response', 'resolution'] as const;

/**
 * Each SLA target is an instance of escalation.bpmn (its documentation says so): the events of a
 * ticket, split by target. The target is in the dedupe key, `sla:<step>:<target>[:…]`
 * (built in src/domain/ticket-events.ts): `response`, `resolution` or `handover:<n>`; none (the agreement's start)
 * means both agreement targets; a manual escalation or an agreement change, the agreement
 * targets still running (not met yet).
 */
export function runsPerTarget(events: readonly Recorded[]): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  const met = new Set<string>();
  for (const event of events.filter((e) => e.processId === processDomain.ESCALATION_PROCESS_ID)) {
    const [, step, ...rest] = event.dedupeKey.split(':');
    const targets =
      rest.length === 0
        ? [...AGREEMENT_TARGETS]
        : rest[0] === 'manual' || step === 'changed'
          ? AGREEMENT_TARGETS.filter((t) => !met.has(t))
          : [rest[0] === 'handover' ? `handover:${rest[1]}` : rest[0]!];
    for (const target of targets) {
      runs.set(target, [...(runs.get(target) ?? []), event.elementId]);
      if (event.elementId === processDomain.EscalationElement.met) met.add(target);
    }
  }
  return runs;
}
