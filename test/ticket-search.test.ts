import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('searching tickets and listing a client’s tickets keeps waiting tickets blind', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  // A word no other test file's tickets contain: the database is shared by the run.
  const marker = `zq${Math.random().toString(36).slice(2, 8)}`;
  let repairId: number;
  let billingId: number;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    const phone = `+7 985 ${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    repairId = (
      await call('POST', '/tickets', {
        body: { subject: `Разбит экран ${marker}`, description: 'Экран треснул', client: { phone } },
      })
    ).body.id;
    billingId = (
      await call('POST', '/tickets', {
        body: {
          subject: `Invoice ${marker.toUpperCase()} question`,
          description: 'Please resend the invoice',
          client: { phone },
        },
      })
    ).body.id;
  });
  afterAll(() => desk?.stop());

  const search = async (operator: string, q = marker) => {
    const response = await call('GET', `/tickets?q=${encodeURIComponent(q)}`, { operator });
    expect(response.status).toBe(200);
    return response.body as Array<{ id: number; subject?: string }>;
  };

  it('lets a manager find any ticket by a word of its subject, case-insensitively, newest first', async () => {
    const found = await search('sidorova');
    expect(found.map((t) => t.id)).toEqual([billingId, repairId]);
    expect(found[1]).toMatchObject({ id: repairId, stage: 'queued', subject: `Разбит экран ${marker}` });
  });

  it('gives an operator no waiting ticket, and the subject only of their own', async () => {
    expect(await search('petrov')).toEqual([]);
    expect((await call('POST', `/tickets/${repairId}/accept`, { operator: 'petrov' })).status).toBe(200);

    const own = await search('petrov');
    expect(own).toEqual([
      expect.objectContaining({ id: repairId, assigneeId: 'petrov', subject: `Разбит экран ${marker}` }),
    ]);
    // Another operator's ticket does not even match: each match would confirm three letters of its subject.
    expect(await search('ivanova')).toEqual([]);
    expect(await search('ivanova', `${marker.slice(0, 3)}`)).not.toContainEqual(
      expect.objectContaining({ id: repairId }),
    );
  });

  it('takes the search text literally', async () => {
    expect(await search('sidorova', '%%%')).toEqual([]);
    expect(await search('sidorova', `${marker.slice(0, 4)}_${marker.slice(5)}`)).toEqual([]);
  });

  it('lists a client’s tickets newest first, waiting ones only to managers, subjects only to the assignee and managers', async () => {
    const clientId = (await call('GET', `/tickets/${repairId}`, { operator: 'petrov' })).body.client.id;
    const asManager = await call('GET', `/clients/${clientId}/tickets`, { operator: 'sidorova' });
    expect(asManager.body.map((t: { id: number }) => t.id)).toEqual([billingId, repairId]);
    const asOther = await call('GET', `/clients/${clientId}/tickets`, { operator: 'ivanova' });
    expect(asOther.status).toBe(200);
    // The billing ticket still waits in a blind queue: not listed to an operator who does not hold it.
    expect(asOther.body.map((t: { id: number }) => t.id)).toEqual([repairId]);
    expect(asOther.body.every((t: object) => !('subject' in t))).toBe(true);
    const asAssignee = await call('GET', `/clients/${clientId}/tickets`, { operator: 'petrov' });
    expect(asAssignee.body.find((t: { id: number }) => t.id === repairId).subject).toBe(`Разбит экран ${marker}`);
    expect(asAssignee.body.map((t: { id: number }) => t.id)).toEqual([repairId]);
  });

  it('answers bad requests with a 4xx naming what is wrong', async () => {
    const short = await call('GET', '/tickets?q=ab', { operator: 'sidorova' });
    expect(short.status).toBe(400);
    expect(short.body.message).toContain('querystring.q');
    expect((await call('GET', '/tickets', { operator: 'sidorova' })).body.message).toContain('querystring.q');
    expect((await call('GET', `/tickets?q=${marker}`)).status).toBe(401);
    const unknown = await call('GET', '/clients/2147483000/tickets', { operator: 'sidorova' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('client 2147483000');
    expect((await call('GET', '/clients/abc/tickets', { operator: 'sidorova' })).status).toBe(400);
  });
});
