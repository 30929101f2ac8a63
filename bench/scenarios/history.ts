import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { linkTokenIn } from '../../src/domain/client-link';
import { ticketWorkflowId } from '../../src/domain/process';
import { stageQuery } from '../../workflows/ticket';
import type { BenchEnvironment } from '../env';
import { callApi } from '../http';

export interface HistoryResult {
  ticketId: number;
  /** Every stage the ticket went through, as the API answered. */
  steps: Array<{ step: string; status: number }>;
  events: number;
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  updates: number;
  signals: number;
  payloads: number;
  payloadBytes: number;
  eventTypes: Record<string, number>;
}

/**
 * One standard ticket through all seven stages over HTTP (the notice goes to the desk's
 * .eml drop folder; the survey token is read from the ticket row, as the link carries it),
 * then its real history counted.
 */
export async function runHistory(env: BenchEnvironment): Promise<HistoryResult> {
  const operator = 'sidorova';
  const steps: HistoryResult['steps'] = [];
  const step = async (name: string, method: string, path: string, body?: unknown, expected = [200, 201, 202]) => {
    const answer = await callApi(env.baseUrl, method, path, {
      body,
      operator: path === '/tickets' ? undefined : operator,
    });
    steps.push({ step: name, status: answer.status });
    if (!expected.includes(answer.status))
      throw new Error(`history: ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const progress = env.progress('history', 7);
  const registered = await step(
    'register → queue',
    'POST',
    '/tickets',
    {
      channel: 'web',
      subject: 'Разбит экран телефона',
      description: 'Телефон упал, экран разбит, сенсор не реагирует. Срочно нужен ремонт.',
      client: { phone: '8 (916) 123-45-67' },
    },
    [201],
  );
  progress.tick(3);
  const ticketId: number = registered.id;
  await step('accept', 'POST', `/tickets/${ticketId}/accept`);
  progress.tick();
  await step('execute', 'POST', `/tickets/${ticketId}/work`, { minutes: 45, note: 'Заменён дисплейный модуль' });
  await step('resolve', 'POST', `/tickets/${ticketId}/resolve`, { resolution: 'Экран заменён, телефон проверен.' });
  progress.tick();

  const handle = env.desk.temporal.workflow.getHandle(ticketWorkflowId(ticketId));
  const deadline = Date.now() + 30_000;
  while ((await handle.query(stageQuery)) !== 'awaiting_survey') {
    if (Date.now() > deadline) throw new Error(`history: ticket ${ticketId} was not notified within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  progress.tick();
  // The desk keeps only the token's hash: the client's is in the notice it wrote to its drop folder.
  const folder = env.desk.mailer.target;
  const file = (await fs.readdir(folder)).find((f) => f.startsWith(`ticket-${ticketId}.resolution.`));
  if (!file) throw new Error(`history: ticket ${ticketId}'s resolution notice was not written to ${folder}`);
  const notice = await simpleParser(await fs.readFile(path.join(folder, file)));
  const surveyToken = linkTokenIn(notice.text ?? '');
  if (!surveyToken) throw new Error(`history: ticket ${ticketId}'s notice carries no survey link`);
  await step('survey', 'POST', `/tickets/${ticketId}/survey`, {
    token: surveyToken,
    csat: 5,
    comment: 'Быстро и качественно',
  });
  await handle.result();
  progress.tick();
  progress.done();

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const eventTypes: Record<string, number> = {};
  for (const event of events) {
    // Each event carries exactly one `<type>EventAttributes` field: its name is the event type.
    const attributes = Object.keys(event).find(
      (key) => key.endsWith('EventAttributes') && (event as Record<string, unknown>)[key] != null,
    );
    const type = attributes?.replace(/EventAttributes$/, '') ?? 'unknown';
    eventTypes[type] = (eventTypes[type] ?? 0) + 1;
  }
  const { payloads, bytes } = countPayloads(events);
  const typeCount = (...types: string[]) => types.reduce((sum, type) => sum + (eventTypes[type] ?? 0), 0);
  return {
    ticketId,
    steps,
    events: events.length,
    workflowTasks: typeCount('workflowTaskCompleted', 'workflowTaskFailed'),
    activityTasks: typeCount('activityTaskScheduled'),
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    updates: typeCount('workflowExecutionUpdateAccepted'),
    signals: typeCount('workflowExecutionSignaled'),
    payloads,
    payloadBytes: bytes,
    eventTypes,
  };
}

/** Sums the data of every payload (inputs, results, markers, update arguments) in the history. */
export function countPayloads(value: unknown): { payloads: number; bytes: number } {
  let payloads = 0;
  let bytes = 0;
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (ArrayBuffer.isView(node)) return;
    const record = node as Record<string, unknown>;
    if (record.data instanceof Uint8Array && 'metadata' in record) {
      payloads++;
      bytes += record.data.byteLength;
      return;
    }
    for (const child of Array.isArray(node) ? node : Object.values(record)) visit(child);
  };
  visit(value);
  return { payloads, bytes };
}
