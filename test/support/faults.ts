import type { TicketActivities } from '../../activities';

/** Each wrapped activity does its real work, then fails once as if the worker died before reporting. */
export function failOnceAfterWrite(
  activities: TicketActivities,
  names: Array<keyof TicketActivities>,
  calls: Record<string, number>,
) {
  const wrapped = { ...activities } as Record<string, (...args: any[]) => Promise<unknown>>;
  for (const name of names) {
    const real = activities[name] as (...args: any[]) => Promise<unknown>;
    wrapped[name] = async (...args) => {
      const result = await real(...args);
      calls[name] = (calls[name] ?? 0) + 1;
      if (calls[name] === 1) throw new Error(`${name}: simulated crash after the write`);
      return result;
    };
  }
  return wrapped as unknown as TicketActivities;
}
