/** What the client answered to the satisfaction survey, and when it is a complaint. */

/** A CSAT score at or below this opens the complaint-handling step (scores are 1–5). */
export const COMPLAINT_CSAT_AT_MOST = 2;

/**
 * A low score is a complaint even when the client did not say so: complaints are handled as
 * gifts, not noise (DOMAIN.md, survey), so a manager looks at every one before the ticket closes.
 */
export function isComplaint(answer: { csat: number; complaint?: boolean }): boolean {
  return answer.complaint === true || answer.csat <= COMPLAINT_CSAT_AT_MOST;
}
