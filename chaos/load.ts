import { linkTokenIn } from '../src/domain/client-link';
import { sleep } from '../src/infra/processes';
import type { Rig } from './rig';

/** What became of one request to file a ticket, as its caller saw it. */
export type Filing =
  | { outcome: 'registered'; ticketId: number; status: number }
  /** A clear refusal (4xx other than "retry later"): the caller knows nothing was registered. */
  | { outcome: 'refused'; status: number; body: string }
  /** No answer, or a 5xx: the caller cannot know; the check afterwards finds whether the ticket exists. */
  | { outcome: 'error'; error: string };

export interface TicketRun {
  n: number;
  /** Unique to this request: in the description, so the ticket is found by it afterwards. */
  marker: string;
  email: string;
  phase: number;
  filedAt: number;
  filing?: Filing;
  ticketId?: number;
  /** Set when the client found its ticket only after an error to its request. */
  adopted?: boolean;
  /** Answers of 5xx other than 503 "retry later": the caller cannot tell what happened. */
  serverErrors: string[];
  /** The last step reached by the driver: closed is the end. */
  reached: 'filed' | 'queued' | 'accepted' | 'worked' | 'resolved' | 'surveyed' | 'closed';
  problem?: string;
}

interface Answer {
  status: number;
  body: unknown;
}

const TRANSIENT = new Set([429, 502, 503, 504]);

/** A connection refused: the request never reached the desk (its API is restarting), so sending it again is safe. */
const neverArrived = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';

/**
 * A client and an operator over HTTP: files tickets at a steady rate and drives each one through
 * accept, work, resolve and survey, as people would through faults: each step is retried after an
 * error, and redone only when the ticket, read again, shows it was not done (no step is sent twice
 * blindly), except the filing and the work, which carry an Idempotency-Key and are simply sent again.
 */
export function createLoad(opts: {
  rig: Rig;
  seed: number;
  keyword: string;
  token: string;
  /** How long a ticket waits in its queue before it is accepted: past its response deadline, so that timer fires. */
  holdMs: number;
  /** How long a ticket may take from filing to its end before it counts as stuck. */
  ticketDeadlineMs: number;
  /** Finds a ticket by its marker, as a client would ask the desk "did my ticket arrive?". */
  findByMarker: (marker: string) => Promise<number | undefined>;
  log: (message: string) => void;
}) {
  const { rig } = opts;
  const call = async (
    run: TicketRun,
    method: string,
    route: string,
    body?: unknown,
    staff = true,
    extra: Record<string, string> = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...extra };
    if (staff) headers.authorization = `Bearer ${opts.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await fetch(`${rig.api.url}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await answer.text();
    if (answer.status >= 500 && answer.status !== 503)
      run.serverErrors.push(`${method} ${route}: ${answer.status} ${text}`);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    return { status: answer.status, body: parsed };
  };

  async function file(run: TicketRun): Promise<Filing> {
    const body = {
      subject: `Вопрос ${opts.keyword}`,
      description: `Нужна консультация ${opts.keyword}, обращение ${run.marker}`,
      client: { name: `Chaos ${run.n}`, email: run.email },
    };
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        // The filing's Idempotency-Key: a request cut off mid-way (the API killed, a timeout) is
        // sent again like one that never arrived, and answered with the ticket it filed, if any.
        answer = await call(run, 'POST', '/tickets', body, false, { 'idempotency-key': run.marker });
      } catch (error) {
        if (attempt < 120) {
          await sleep(neverArrived(error) ? 500 : 1_000);
          continue;
        }
        return { outcome: 'error', error: String(error) };
      }
      if (answer.status === 201 || answer.status === 202)
        return { outcome: 'registered', ticketId: (answer.body as { id: number }).id, status: answer.status };
      // "Retry later" is a refusal: nothing was registered, so asking again is safe.
      if (TRANSIENT.has(answer.status) && attempt < 60) {
        await sleep(1_000);
        continue;
      }
      if (answer.status >= 500) return { outcome: 'error', error: `${answer.status} ${JSON.stringify(answer.body)}` };
      return { outcome: 'refused', status: answer.status, body: JSON.stringify(answer.body) };
    }
  }

  const read = async (run: TicketRun, id: number) => {
    const answer = await call(run, 'GET', `/tickets/${id}`);
    if (answer.status !== 200) throw new Error(`GET /tickets/${id}: ${answer.status}`);
    return answer.body as { stage: string; assigneeId: string | null };
  };
  const workRecorded = async (run: TicketRun, id: number) => {
    const answer = await call(run, 'GET', `/tickets/${id}/events`);
    if (answer.status !== 200) throw new Error(`GET /tickets/${id}/events: ${answer.status}`);
    return (answer.body as Array<{ action: string }>).some((event) => event.action === 'work_recorded');
  };

  /**
   * Until `done` says so: reads the ticket, acts if the step is not done, and waits out errors.
   * Each step has the whole deadline from when it starts: a ticket that lives through several
   * faults (its notice retried after a Temporal restart, then PostgreSQL down) is late at every
   * step, and a deadline from its filing gave up on it while the desk was still moving it (the
   * clean-clone run of 387e772 left a ticket awaiting its survey, its notice sent, nobody to answer).
   */
  async function step(
    run: TicketRun,
    name: TicketRun['reached'],
    done: () => Promise<boolean>,
    act?: () => Promise<Answer>,
  ) {
    const deadline = Date.now() + opts.ticketDeadlineMs;
    let lastError = '';
    // After "retry later" (or no answer) the action is sent again before the ticket is read: the
    // row may already show it (its write committed) while the ticket's workflow never took it, as
    // after a worker killed mid-task. A well-behaved client does what the 503 says; the desk makes
    // the resend safe (an accept by the same operator, a resolve of the same round, write once).
    let resend = false;
    while (Date.now() < deadline) {
      try {
        if (!resend && (await done())) {
          run.reached = name;
          return;
        }
        resend = false;
        if (act) {
          let answer: Answer;
          try {
            answer = await act();
          } catch (error) {
            resend = true;
            throw error;
          }
          if (answer.status < 400) continue;
          lastError = `${answer.status} ${JSON.stringify(answer.body)}`;
          resend = TRANSIENT.has(answer.status);
        }
      } catch (error) {
        lastError = String(error);
      }
      // After an error the action may still complete in the engine: give it time before reading again.
      await sleep(1_000);
    }
    throw new Error(`ticket ${run.ticketId} did not get past "${run.reached}" to "${name}": ${lastError}`);
  }

  const stageIn = (stages: string[]) => async (run: TicketRun, id: number) =>
    stages.includes((await read(run, id)).stage);
  const after = {
    queued: ['queued', 'in_work', 'waiting_for_client', 'resolved', 'awaiting_survey', 'closed'],
    accepted: ['in_work', 'waiting_for_client', 'resolved', 'awaiting_survey', 'closed'],
    resolved: ['resolved', 'awaiting_survey', 'closed'],
  };

  const surveyToken = (id: number) => {
    const notice = rig.smtp
      .received()
      .filter((mail) => mail.subject?.startsWith(`Заявка №${id} выполнена`))
      .at(-1);
    return notice ? linkTokenIn(notice.text ?? '') : undefined;
  };

  async function drive(run: TicketRun) {
    const id = run.ticketId!;
    await step(run, 'queued', () => stageIn(after.queued)(run, id));
    await sleep(Math.max(0, run.filedAt + opts.holdMs - Date.now()));
    await step(
      run,
      'accepted',
      () => stageIn(after.accepted)(run, id),
      () => call(run, 'POST', `/tickets/${id}/accept`),
    );
    await step(
      run,
      'worked',
      () => workRecorded(run, id),
      // As an operator's client would: one key for the one piece of work, however often it is sent.
      () =>
        call(run, 'POST', `/tickets/${id}/work`, { minutes: 15, note: `chaos ${run.marker}` }, true, {
          'idempotency-key': `work-${run.marker}`,
        }),
    );
    await step(
      run,
      'resolved',
      () => stageIn(after.resolved)(run, id),
      () => call(run, 'POST', `/tickets/${id}/resolve`, { resolution: 'Консультация дана' }),
    );
    // The survey waits for the notice: the token is only in the client's mail.
    await step(run, 'surveyed', async () => (await read(run, id)).stage === 'closed' || surveyToken(id) !== undefined);
    await step(
      run,
      'closed',
      () => stageIn(['closed'])(run, id),
      () => call(run, 'POST', `/tickets/${id}/survey`, { token: surveyToken(id), csat: 5 }, false),
    );
  }

  /** Files one ticket and drives it to its end; never throws: what went wrong is kept on the run. */
  async function live(run: TicketRun) {
    try {
      run.filing = await file(run);
      if (run.filing.outcome === 'registered') run.ticketId = run.filing.ticketId;
      else if (run.filing.outcome === 'error') {
        // The caller got no answer: once the desk is back, it asks whether its ticket arrived, for
        // a minute (a workflow started before the API died registers its ticket when it next runs).
        await rig.allReady(opts.ticketDeadlineMs);
        let found: number | undefined;
        for (const lookUntil = Date.now() + 60_000; found === undefined && Date.now() < lookUntil;) {
          await sleep(3_000);
          found = await opts.findByMarker(run.marker);
        }
        if (found === undefined) return;
        run.ticketId = found;
        run.adopted = true;
      } else return;
      await drive(run);
    } catch (error) {
      run.problem = String(error);
      opts.log(`ticket ${run.ticketId ?? run.marker}: ${run.problem}`);
    }
  }

  return { live };
}
