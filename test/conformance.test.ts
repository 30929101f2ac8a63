import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents } from '../src/db/schema';
import * as processDomain from '../src/domain/process';
import { pathOf } from '../src/domain/trail';
import { loadProcessCatalog, type ProcessCatalog, type ProcessEntry } from '../src/services/process-catalog';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver, type NewTicket } from './support/tickets';
import { recordHistory as keepHistory } from './support/histories';
import { AGREEMENT_TARGETS, recordableElementIds, runsPerTarget, type Recorded } from './support/conformance';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

describe('conformance of the workflows with the BPMN diagrams', () => {
  let catalog: ProcessCatalog;
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  /** Each scenario's ticket, by what it went through. */
  const scenarios = new Map<string, number>();
  const recorded = new Map<number, string[]>();
  const recordedEvents = new Map<number, Recorded[]>();

  const processOf = (elementId: string): ProcessEntry | undefined =>
    catalog.list().find((p) => p.graph.hasNode(elementId));

  beforeAll(async () => {
    catalog = await loadProcessCatalog();
    // Short enough for the expiring survey to expire in the test; the others answer at once.
    desk = await startTestDesk({ surveyTimeoutMs: 8_000 });
    ({ call } = await listen(desk.app));
    const t = ticketDriver(desk, call);

    const run = async (name: string, ticket: NewTicket | Promise<NewTicket>, walk: (id: number) => Promise<void>) => {
      const id = await t.register(await ticket);
      scenarios.set(name, id);
      await walk(id);
      await t.closed(id);
      recorded.set(id, await t.recordedElements(id));
      recordedEvents.set(
        id,
        await desk.db
          .select({
            elementId: ticketEvents.elementId,
            processId: ticketEvents.processId,
            dedupeKey: ticketEvents.dedupeKey,
          })
          .from(ticketEvents)
          .where(eq(ticketEvents.ticketId, id))
          .orderBy(asc(ticketEvents.at), asc(ticketEvents.id)),
      );
    };

    /** A ticket of a catalog service of its own, under an agreement measured in seconds on the 24/7 calendar (as in test/sla.test.ts). */
    const probe = Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 6);
    const withSla = async (name: string, agreement: Record<string, unknown>): Promise<NewTicket> => {
      const keyword = `zconf${probe}${name}`;
      const code = `conf-${probe}-${name}`;
      const created = await call('POST', '/catalog/services', {
        operator: 'sidorova',
        body: {
          code,
          nameRu: 'Проверка схемы SLA',
          nameEn: 'SLA diagram probe',
          category: 'general',
          price: '100.00',
          normHours: 1,
          supportLine: 1,
          keywords: [keyword],
        },
      });
      expect(created.status, created.text).toBe(201);
      expect(
        (
          await call('PUT', `/catalog/services/${code}/sla/one_time`, {
            operator: 'sidorova',
            body: { calendarCode: '24x7', ...agreement },
          })
        ).status,
      ).toBe(200);
      return {
        subject: `Вопрос ${keyword}`,
        description: `Нужна консультация ${keyword}`,
        client: { email: `client-${keyword}@example.com` },
      };
    };
    const reached = async (id: number, elementId: string) => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const rows = await desk.db
          .select({ id: ticketEvents.id })
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.elementId, elementId)));
        if (rows.length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`ticket ${id} did not reach ${elementId}`);
    };

    await Promise.all([
      run('answered', sampleTickets.phoneScreen, async (id) => {
        await t.accept(id, 'petrov');
        await t.work(id, 'petrov');
        // Waiting for the client (the SLA pause) and back to work.
        expect(
          (
            await call('POST', `/tickets/${id}/wait-for-client`, {
              operator: 'petrov',
              body: { reason: 'ждём запчасть от клиента' },
            })
          ).status,
        ).toBe(200);
        expect((await call('POST', `/tickets/${id}/resume`, { operator: 'petrov' })).status).toBe(200);
        await t.work(id, 'petrov');
        await t.resolve(id, 'petrov');
        await t.answer(id, { csat: 5 });
      }),
      run('survey expired', sampleTickets.invoice, async (id) => {
        await t.accept(id, 'ivanova');
        await t.resolve(id, 'ivanova');
      }),
      run('reopened by the client, then a low score', sampleTickets.laptop, async (id) => {
        await t.accept(id, 'petrov');
        await t.resolve(id, 'petrov');
        expect(await t.reopenAsClient(id)).toMatchObject({ round: 2, assigneeId: 'petrov' });
        await t.work(id, 'petrov');
        await t.resolve(id, 'petrov');
        await t.answer(id, { csat: 1 });
        await t.resolveComplaint(id, 'sidorova');
      }),
      run('reopened by a manager, then an explicit complaint', sampleTickets.router, async (id) => {
        await t.accept(id, 'ivanova');
        await t.resolve(id, 'ivanova');
        await t.reopenAsOperator(id, 'sidorova');
        await t.resolve(id, 'ivanova');
        await t.answer(id, { csat: 4, complaint: true });
        await t.resolveComplaint(id, 'sidorova');
      }),
      // Nobody takes it: warned at half the 2 s, breached, escalated 0, 1 and 2 s later up to the third line, taken there late.
      run(
        'SLA warned, breached, escalated three levels, met late',
        withSla('late', {
          responseSeconds: 2,
          resolutionSeconds: 600,
          warningShare: 0.5,
          escalation: [
            { afterSeconds: 0, recipients: ['ivanova'] },
            { afterSeconds: 1, recipients: ['petrov'] },
            { afterSeconds: 2, recipients: ['sidorova'] },
          ],
        }),
        async (id) => {
          await reached(id, processDomain.EscalationElement.escalated);
          await t.accept(id, 'sidorova');
          await t.resolve(id, 'sidorova');
          await t.answer(id, { csat: 5 });
        },
      ),
      run(
        'SLA escalated by hand to the next line',
        withSla('hand', { responseSeconds: 600, resolutionSeconds: 600 }),
        async (id) => {
          await t.accept(id, 'ivanova');
          expect(
            (
              await call('POST', `/tickets/${id}/escalate`, {
                operator: 'ivanova',
                body: { reason: 'Нужен мастер / A technician is needed' },
              })
            ).body,
          ).toMatchObject({ moved: true, supportLine: 2 });
          await t.accept(id, 'petrov');
          await t.resolve(id, 'petrov');
          await t.answer(id, { csat: 4 });
        },
      ),
    ]);

    // A ticket reopened and then complained about, for the replay test (test/replay.test.ts).
    await keepHistory(desk, scenarios.get('reopened by the client, then a low score')!, 'reopen-complaint');
  }, 240_000);

  afterAll(async () => {
    await desk?.stop();
  });

  it('reads processes from every BPMN file', () => {
    expect(catalog.list().map((p) => p.id)).toContain(processDomain.TICKET_PROCESS_ID);
  });

  it('has every element id the workflows can record in a BPMN diagram', () => {
    const missing = Object.entries(recordableElementIds()).filter(([, id]) => !processOf(id));
    expect(missing, 'element ids in src/domain/process.ts that no diagram has').toEqual([]);
  });

  it('records only element ids that some diagram has', () => {
    const unknown = [...recorded.values()].flat().filter((id) => !processOf(id));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('records every event in the process whose diagram has its element', () => {
    for (const events of recordedEvents.values())
      for (const e of events) expect(processOf(e.elementId)?.id, e.elementId).toBe(e.processId);
  });

  it("records each ticket's lifecycle as a whole path through ticket.bpmn (repeats collapsed, gateways crossed)", () => {
    for (const [scenario, id] of scenarios) {
      const ids = recordedEvents
        .get(id)!
        .filter((e) => e.processId === processDomain.TICKET_PROCESS_ID)
        .map((e) => e.elementId);
      const path = pathOf(ids.map((elementId) => ({ elementId })));
      const violation = catalog
        .find(processDomain.TICKET_PROCESS_ID)!
        .graph.pathViolation(path, { throughGateways: true, fromStart: true, toEnd: true });
      expect(violation, `${scenario} (ticket ${id}): ${path.join(' → ')}`).toBeUndefined();
    }
  });

  it('records each SLA target of each ticket as a run through escalation.bpmn from its start, branches side by side', () => {
    const graph = catalog.find(processDomain.ESCALATION_PROCESS_ID)!.graph;
    for (const [scenario, id] of scenarios) {
      const runs = runsPerTarget(recordedEvents.get(id)!);
      // Every ticket here has an agreement (the demo catalog's or its own): both agreement targets ran.
      expect([...runs.keys()], `${scenario} (ticket ${id})`).toEqual(expect.arrayContaining([...AGREEMENT_TARGETS]));
      for (const [target, ids] of runs) {
        const violation = graph.replayViolation(ids, { fromStart: true });
        expect(violation, `${scenario} (ticket ${id}), target ${target}: ${ids.join(' → ')}`).toBeUndefined();
      }
    }
  });

  it('exercises every task and event of every diagram (gateways are decided, not recorded)', () => {
    const seen = new Set([...recorded.values()].flat());
    const unexercised = catalog
      .list()
      .flatMap((p) => p.recordedElementIds.filter((id) => !seen.has(id)).map((id) => `${p.file}#${id}`));
    expect(unexercised, 'diagram elements no test ticket went through').toEqual([]);
  });

  it('refuses to reopen or to close a complaint out of turn, or for the wrong person', async () => {
    const closed = scenarios.get('answered')!;
    const reopenClosed = await call('POST', `/tickets/${closed}/reopen`, {
      operator: 'sidorova',
      body: { reason: 'again' },
    });
    expect(reopenClosed.status).toBe(409);
    expect(reopenClosed.body.message).toMatch(/is closed and cannot be reopened/);
    expect(
      (await call('POST', `/tickets/${closed}/reopen`, { operator: 'ivanova', body: { reason: 'again' } })).status,
    ).toBe(403);
    expect(
      (await call('POST', `/tickets/${closed}/reopen`, { body: { token: 'forged', reason: 'again' } })).status,
    ).toBe(403);
    const anonymous = await call('POST', `/tickets/${closed}/reopen`, { body: { reason: 'again' } });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.message).toMatch(/body\.token/);
    expect(
      (await call('POST', `/tickets/${closed}/complaint/resolve`, { operator: 'petrov', body: { resolution: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (await call('POST', `/tickets/${closed}/complaint/resolve`, { operator: 'sidorova', body: { resolution: 'x' } }))
        .status,
    ).toBe(409);
  });

  it('took the paths the scenarios meant', () => {
    const E = processDomain.TicketElement;
    // The ticket's own steps: the SLA clock's (met again after a reopening) are escalation.bpmn's.
    const ticketSteps = new Set<string>(Object.values(E));
    const path = (name: string) =>
      pathOf(
        recorded
          .get(scenarios.get(name)!)!
          .filter((elementId) => ticketSteps.has(elementId))
          .map((elementId) => ({ elementId })),
      );
    expect(path('answered').slice(-3)).toEqual([E.notify, E.survey, E.closed]);
    expect(path('survey expired').slice(-3)).toEqual([E.survey, E.surveyExpired, E.closed]);
    expect(path('reopened by the client, then a low score').slice(-8)).toEqual([
      E.notify,
      E.survey,
      E.reopen,
      E.execute,
      E.notify,
      E.survey,
      E.handleComplaint,
      E.closed,
    ]);
    expect(path('reopened by a manager, then an explicit complaint')).toContain(E.reopen);
    expect(path('reopened by a manager, then an explicit complaint').slice(-2)).toEqual([E.handleComplaint, E.closed]);

    const X = processDomain.EscalationElement;
    const runs = (name: string) => runsPerTarget(recordedEvents.get(scenarios.get(name)!)!);
    const late = runs('SLA warned, breached, escalated three levels, met late');
    // The response target: every step of the clock, the notices in between wherever they were sent.
    expect(
      late
        .get('response')!
        .filter((e) => ![X.notifyAssignee, X.warned, X.notifyManager, X.managerNotified].includes(e as never)),
    ).toEqual([X.started, X.clock, X.warning, X.breached, X.level1, X.level2, X.level3, X.escalated, X.met]);
    expect(late.get('response')).toEqual(
      expect.arrayContaining([X.notifyAssignee, X.warned, X.notifyManager, X.managerNotified]),
    );
    expect(late.get('resolution')).toEqual([X.started, X.clock, X.met]);
    // Levels 1 and 2 handed it to lines 2 and 3: their OLA clocks ran until the third line took it.
    expect(late.get('handover:1')).toEqual([X.started, X.clock, X.met]);
    expect(late.get('handover:2')).toEqual([X.started, X.clock, X.met]);
    const byHand = runs('SLA escalated by hand to the next line');
    expect(byHand.get('response')).toEqual([X.started, X.clock, X.met]);
    expect(byHand.get('resolution')).toEqual([
      X.started,
      X.clock,
      X.manual,
      X.escalateManually,
      X.escalatedManually,
      X.met,
    ]);
    expect(byHand.get('handover:1')).toEqual([X.started, X.clock, X.met]);
  });
});
