/**
 * The optional external classifier against a local server speaking the OpenAI chat completions
 * API: what the desk sends, each way the answer can fail, and the intake deciding from it — or
 * from the local model when it fails.
 */
import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents } from '../src/db/schema';
import { createExternalClassifier } from '../src/infra/external-classifier';
import { startChatCompletionsServer } from './support/chat-completions';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

const categories = ['billing', 'complaint', 'repair', 'status'];
let llm: Awaited<ReturnType<typeof startChatCompletionsServer>>;

beforeAll(async () => {
  llm = await startChatCompletionsServer();
});
afterAll(() => llm?.close());

describe('createExternalClassifier', () => {
  const classifier = () =>
    createExternalClassifier({
      url: `${llm.url}/`,
      model: 'qwen2.5-7b',
      apiKey: 'sk-test',
      timeoutMs: 300,
      allowPrivate: true,
    });

  it('posts the fixed prompt to {url}/chat/completions with the model and key, and ranks by the reply', async () => {
    llm.answer({ content: '{"category": "complaint", "confidence": 0.8}' });
    const answer = await classifier().rank('Третий раз сдаю ноутбук в ремонт!', categories);
    expect('ranking' in answer && answer.ranking[0]).toEqual({ category: 'complaint', confidence: 0.8 });
    const request = llm.requests.at(-1)!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.authorization).toBe('Bearer sk-test');
    expect(request.body).toMatchObject({ model: 'qwen2.5-7b', temperature: 0 });
    expect(request.body.messages[0]!.content).toContain('Categories: billing, complaint, repair, status.');
    expect(request.body.messages[1]).toEqual({ role: 'user', content: 'Третий раз сдаю ноутбук в ремонт!' });
  });

  it.each([
    [{ status: 500 }, 'HTTP 500 from the classifier'],
    [{ status: 401 }, 'HTTP 401 from the classifier'],
    [{ raw: '<html>bad gateway</html>' }, 'the classifier answered with something other than JSON'],
    [{ raw: '{"choices": []}' }, 'the classifier answered without choices[0].message.content'],
    [{ content: 'It is a repair.' }, 'the reply holds no {"category": …} object'],
    [{ content: '{"category": "hardware"}' }, 'the reply names an unknown category "hardware"'],
    [{ content: '{"category": "repair"}', delayMs: 1_000 }, 'no answer within 300 ms'],
  ])('answers %j with the failure "%s", never throwing', async (behaviour, failure) => {
    llm.answer(behaviour);
    expect(await classifier().rank('Ноутбук не включается', categories)).toEqual({ model: 'qwen2.5-7b', failure });
  });

  it('says so when nothing listens at the URL', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const answer = await createExternalClassifier({
      url: `http://127.0.0.1:${closed}/v1`,
      model: 'm',
      timeoutMs: 1_000,
      allowPrivate: true,
    }).rank('text', categories);
    expect(answer).toEqual({ model: 'm', failure: expect.stringMatching(/^the classifier could not be reached/) });
  });
});

describe('an outbound URL inside the network (SSRF)', () => {
  const asked = (url: string) =>
    createExternalClassifier({ url, model: 'm', timeoutMs: 1_000 }).rank('text', categories);

  it.each([
    ['loopback by address', () => llm.url, /^refused: 127\.0\.0\.1 is a loopback address/],
    [
      'loopback by name',
      () => llm.url.replace('127.0.0.1', 'localhost'),
      /^refused: localhost resolves to .* loopback address/,
    ],
    ['IPv6 loopback', () => 'http://[::1]:9/v1', /^refused: ::1 is a loopback address/],
    ['cloud metadata', () => 'http://169.254.169.254/latest', /^refused: 169\.254\.169\.254 is a link-local address/],
    ['a private network', () => 'http://10.0.0.7:8000/v1', /^refused: 10\.0\.0\.7 is a private address/],
    ['IPv4 written as IPv6', () => 'http://[::ffff:127.0.0.1]:9/v1', /^refused: 127\.0\.0\.1 is a loopback address/],
  ])('refuses %s without OUTBOUND_ALLOW_PRIVATE, and sends nothing', async (_what, url, reason) => {
    const before = llm.requests.length;
    expect(await asked(url())).toEqual({ model: 'm', failure: expect.stringMatching(reason) });
    expect(llm.requests.length).toBe(before);
  });

  it('answers a redirect as it is: a 3xx is a failure, never followed', async () => {
    llm.answer({ status: 307 });
    const answer = await createExternalClassifier({
      url: llm.url,
      model: 'm',
      timeoutMs: 1_000,
      allowPrivate: true,
    }).rank('text', categories);
    expect(answer).toEqual({ model: 'm', failure: 'HTTP 307 from the classifier' });
  });
});

describe('a desk with an external classifier', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    desk = await startTestDesk({ classifier: { url: llm.url, model: 'desk-llm', timeoutMs: 500, allowPrivate: true } });
    ({ call } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  const classifiedAs = async (id: number) => {
    const [event] = await desk.db
      .select({ data: ticketEvents.data })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.action, 'classified')));
    return event!.data as { category: string; source: string; rankedBy: string | null; externalFailure?: string };
  };
  const file = async (description: string) => {
    const filed = await call('POST', '/tickets', {
      body: { subject: 'Ноутбук', description, client: { email: 'llm.client@example.com' } },
    });
    expect(filed.status, filed.text).toBe(201);
    return filed.body.id as number;
  };

  it("decides from the external classifier's ranking, and records whose it was", async () => {
    llm.answer({ content: '{"category": "billing", "confidence": 0.95}' });
    const id = await file('Ноутбук не включается после обновления');
    expect(await classifiedAs(id)).toMatchObject({
      category: 'billing',
      source: 'model',
      rankedBy: 'external:desk-llm',
    });
    expect(llm.requests.at(-1)!.body.messages[1]!.content).toBe('Ноутбук\nНоутбук не включается после обновления');
    // The categories it may name are the desk's own: the catalog's (and a model's).
    expect(llm.requests.at(-1)!.body.messages[0]!.content).toMatch(/Categories: .*billing.*repair/);
  });

  it('falls back to the local decision when the classifier fails, and records why', async () => {
    llm.answer({ status: 503 });
    const id = await file('Ноутбук не включается, экран черный');
    const decided = await classifiedAs(id);
    expect(decided.externalFailure).toBe('HTTP 503 from the classifier');
    expect(decided.rankedBy ?? 'no model').not.toMatch(/^external/);
    expect(decided.category).toBe('repair');
  });

  it('is asked by the dry run too, which shows its name', async () => {
    llm.answer({ content: '{"category": "warranty", "confidence": 0.9}' });
    const dry = await call('POST', '/rules/dry-run', {
      operator: 'sidorova',
      body: {
        subject: 'Ноутбук',
        description: 'Куплен месяц назад, не включается',
        clientCategory: 'regular',
        channel: 'web',
      },
    });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ category: 'warranty', rankedBy: 'external:desk-llm' });
    expect(dry.body.modelTop[0]).toEqual({ category: 'warranty', confidence: 0.9 });
  });
});
