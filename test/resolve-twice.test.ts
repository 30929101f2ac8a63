import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

let desk: Awaited<ReturnType<typeof startTestDesk>>;
let call: Awaited<ReturnType<typeof listen>>['call'];
beforeAll(async () => {
  desk = await startTestDesk();
  ({ call } = await listen(desk.app));
});
afterAll(async () => desk?.stop());

/**
 * A resolve sent again while the first is still running (a client retrying a request whose
 * answer was slow) is refused, not run beside it: the full chaos run had three resolves accepted
 * at once, and that ticket's history then failed to replay. Here the three reach the worker as
 * they come (the run had them in one workflow task, queued while the worker was down, which this
 * test does not force), so it checks the outcome, not that race.
 */
it('takes one of several resolves sent at once and refuses the others with 409', async () => {
  const driver = ticketDriver(desk, call);
  const id = await driver.register({
    subject: 'Не работает интернет',
    description: 'Роутер не раздаёт Wi-Fi',
    client: { email: `twice-${Math.random().toString(36).slice(2, 8)}@example.com` },
  });
  await driver.accept(id, 'ivanova');
  const answers = await Promise.all(
    [1, 2, 3].map(() =>
      call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'Заменён кабель' } }),
    ),
  );
  expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
  for (const refused of answers.filter((a) => a.status === 409))
    expect(refused.body.message).toMatch(/is (being resolved|resolved)/);
  await driver.surveyToken(id);
  await driver.answer(id, { csat: 5 });
  await driver.closed(id);
});
