import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls as callRows, tickets } from '../src/db/schema';
import { callWorkflowId } from '../src/domain/calls';
import type { CallOutcome } from '../workflows/call';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';

const TOKEN = 'cti-retry-secret-0123456789abcdef';

describe('a call’s activities retried after they wrote', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let address: string;
  const attempts: Record<string, number> = {};

  beforeAll(async () => {
    desk = await startTestDesk({
      cti: { token: TOKEN, lateAnswerMs: 500 },
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['recordCall', 'reserveCallTicket'], attempts),
    });
    ({ address } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  it('file one call-back ticket under one reserved number', async () => {
    const callId = `retry-${Math.random().toString(36).slice(2, 8)}`;
    const post = (fields: Record<string, string>) =>
      fetch(`${address}/channels/cti/${TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ callId, from: '+79990007788', to: '+74951112233', direction: 'in', ...fields }),
      });
    expect((await post({ event: 'newCall' })).status).toBe(200);
    expect((await post({ event: 'hangup', cause: 'cancel' })).status).toBe(200);
    const outcome = (await desk.temporal.workflow.getHandle(callWorkflowId(callId)).result()) as CallOutcome;
    expect(outcome).toMatchObject({ missed: true, callBackTicketId: expect.any(Number) });
    expect(attempts.reserveCallTicket).toBe(2);
    expect(attempts.recordCall).toBeGreaterThanOrEqual(2);
    const [row] = await desk.db.select().from(callRows).where(eq(callRows.callId, callId));
    expect(row!.ticketId).toBe(outcome.callBackTicketId);
    await expect
      .poll(
        async () => (await desk.db.select().from(tickets).where(eq(tickets.id, outcome.callBackTicketId!))).length,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
  });
});
