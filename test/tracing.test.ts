import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../src/infra/tracing';
import { startTestDesk } from './support/desk';
import { sampleTickets } from './support/tickets';

/** A span as OTLP/HTTP's JSON encoding carries it, with its process's service.name. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}

/** An OpenTelemetry collector's OTLP/HTTP traces endpoint (JSON), keeping every span it is sent. */
async function startCollector() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (
        request.method !== 'POST' ||
        request.url !== '/v1/traces' ||
        !/json/.test(request.headers['content-type'] ?? '')
      ) {
        response.writeHead(415).end();
        return;
      }
      type Attribute = { key: string; value: { stringValue?: string } };
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Attribute[] };
          scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'service'>> }>;
        }>;
      };
      for (const { resource, scopeSpans } of payload.resourceSpans) {
        const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let collector: Awaited<ReturnType<typeof startCollector>>;
let tracing: Tracing;
let desk: Awaited<ReturnType<typeof startTestDesk>>;

beforeAll(async () => {
  collector = await startCollector();
  tracing = startTracing({ tracesUrl: collector.url, serviceName: 'service-desk-test' });
  // No pre-built bundle: the desk bundles its workflows with the tracing interceptors.
  desk = await startTestDesk({ tracing, workflowBundle: undefined });
  await desk.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await tracing?.shutdown();
  await collector?.close();
});

it('traces a ticket from its HTTP request through its workflow to its activities, in the caller’s trace', async () => {
  // The caller's own trace (W3C traceparent): the desk's spans join it.
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const port = (desk.app.server.address() as AddressInfo).port;
  const answer = await fetch(`http://127.0.0.1:${port}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify(sampleTickets.phoneScreen),
  });
  expect(answer.status).toBe(201);
  const { id } = (await answer.json()) as { id: number };
  const inTrace = () => collector.spans.filter((span) => span.traceId === traceId);
  await expect
    .poll(() => inTrace().map((span) => span.name), { timeout: 30_000, interval: 500 })
    .toEqual(
      expect.arrayContaining([
        'request',
        'UpdateWithStartWorkflow:intake',
        'HandleUpdate:intake',
        'StartActivity:intakeTicket',
        'RunActivity:intakeTicket',
      ]),
    );
  const spans = inTrace();
  const named = (name: string) => spans.find((span) => span.name === name)!;
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const ancestry = (span: ReceivedSpan): string[] => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    return parent ? [parent.name, ...ancestry(parent)] : [];
  };
  // The request's span is the desk's root, under the caller's span.
  expect(spans.filter((span) => span.parentSpanId === '00f067aa0ba902b7').map((span) => span.name)).toEqual([
    'request',
  ]);
  // The workflow's start (and its intake update, handled in the workflow) hang from the request.
  expect(ancestry(named('HandleUpdate:intake'))).toEqual([
    'UpdateWithStartWorkflow:intake',
    expect.stringMatching(/^handler/),
    'request',
  ]);
  // The activity ran under the workflow's call of it. Its parent, the workflow run's span, is sent
  // when the run ends (a ticket's run lasts until its survey, or its continue-as-new).
  expect(named('RunActivity:intakeTicket').parentSpanId).toBe(named('StartActivity:intakeTicket').spanId);
  expect(spans.every((span) => span.service === 'service-desk-test')).toBe(true);
  expect(id).toBeGreaterThan(0);
});

it('sends no span of the health probes and metrics scrapes, and one of any other request', async () => {
  const before = collector.spans.length;
  for (const url of ['/health', '/health/live', '/health/ready', '/metrics'])
    await desk.app.inject({ method: 'GET', url });
  await desk.app.inject({ method: 'GET', url: '/auth/methods' });
  const requests = () => collector.spans.slice(before).filter((span) => span.name === 'request');
  await expect.poll(() => requests().length, { timeout: 10_000, interval: 250 }).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(requests()).toHaveLength(1);
});
