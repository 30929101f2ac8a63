/**
 * `npm run bench:routing [-- --rules 1000 --tickets 2000 --operators 20 --texts 5000]`
 *
 * 1. The classification + routing decision (rules, category model, queue filter) over N rules:
 *    p50 / p99 / max per ticket, in process.
 * 2. `next` under contention: M operators pulling from one queue of T tickets through the real
 *    QueueService on a real PostgreSQL (DATABASE_URL, else an embedded one in a temp dir): no
 *    ticket is offered twice, all are taken, offers per second. Each offer is taken at once by
 *    writing what accept writes; the workflow's accept is measured by the general bench.
 * 3. Retraining the category model on V operator verdicts (`--verdicts 10000`) through the
 *    retraining activity's own repository function, on the same database (bench/retraining.ts).
 * The machine's load average is printed with the figures: 2 shared cores make them move.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { and, eq, sql } from 'drizzle-orm';
import { chooseQueue, decideClassification, type QueueFilter } from '../src/domain/classify';
import { rankCategories, trainCategoryModel } from '../src/domain/category-model';
import type { LabelledText } from '../src/domain/evaluation';
import { defaultRules } from '../src/domain/default-rules';
import { applyRules, compileRules, type ClassificationRule } from '../src/domain/rules';
import { closeDatabase, openDatabase } from '../src/db/client';
import { runMigrations } from '../src/db/migrate';
import {
  clients,
  operatorGroupMembers,
  operatorGroups,
  operators,
  queues,
  ticketOffers,
  tickets,
} from '../src/db/schema';
import { createDatabase, dropDatabase, ensurePostgres } from '../src/infra/postgres-server';
import { createQueueService } from '../src/services/queue-service';
import { retrainingBench } from './retraining';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RULES = arg('rules', 1000);
const TEXTS = arg('texts', 5000);
const TICKETS = arg('tickets', 2000);
const OPERATORS = arg('operators', 20);
const VERDICTS = arg('verdicts', 10_000);

/** A small seeded generator: the same rules and texts on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const labelled: LabelledText[] = fs
  .readFileSync(path.join(__dirname, '..', 'data', 'tickets-labelled.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

function decisionBench() {
  const rand = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const vocabulary = [...new Set(labelled.flatMap((row) => row.text.toLowerCase().match(/[\p{L}]{4,}/gu) ?? []))];
  const channels = ['api', 'web', 'email', 'sms', 'telegram', 'phone'];
  // Generated rules come first so that most tickets walk far down the list before a default rule fires.
  const generated: ClassificationRule[] = Array.from({ length: Math.max(0, RULES - defaultRules.length) }, (_, i) => ({
    id: i + 1,
    name: `generated ${i + 1}`,
    position: i + 1,
    enabled: true,
    kind: i % 2 ? 'evidence' : 'authoritative',
    condition:
      i % 10 === 0
        ? { pattern: `${pick(vocabulary)}\\s+\\d{3}`, channels: [pick(channels)] }
        : {
            words: [`${pick(vocabulary)}x${i}`, `${pick(vocabulary)} ${pick(vocabulary)}x`],
            clientCategories: i % 3 === 0 ? ['wholesale'] : [],
          },
    outcome: { category: `generated-${i % 17}`, priority: i % 2 ? 'high' : undefined },
  }));
  const rules = [
    ...generated,
    ...defaultRules.map((rule, i) => ({ ...rule, id: 100000 + i, position: 100000 + i, enabled: true })),
  ];
  const queueFilters: QueueFilter[] = Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    code: `q${i}`,
    isFallback: i === 19,
    position: i,
    categories: [`generated-${i}`],
    priorities: [],
    clientCategories: [],
    channels: [],
    supportLines: [],
    regions: [],
  }));

  const compileStart = performance.now();
  const compiled = compileRules(rules);
  const compileMs = performance.now() - compileStart;
  const model = trainCategoryModel(labelled);
  const texts = Array.from({ length: TEXTS }, () => pick(labelled).text + ' ' + pick(vocabulary));

  const timings: number[] = [];
  // The first pass warms the JIT up and is not counted: a running worker is long past it.
  for (const [i, text] of [...texts, ...texts].entries()) {
    const start = performance.now();
    const decided = applyRules(compiled, {
      subject: text,
      description: text,
      channel: pick(channels),
      clientCategory: i % 4 === 0 ? 'wholesale' : 'regular',
    });
    const classification = decideClassification(decided, rankCategories(model, text));
    chooseQueue(
      queueFilters,
      {
        category: classification.category,
        priority: classification.priority,
        clientCategory: 'regular',
        channel: 'api',
        supportLine: 1,
        region: null,
      },
      decided.outcome.queueCode,
    );
    if (i >= texts.length) timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);
  return {
    rules: rules.length,
    texts: TEXTS,
    compileMs,
    p50Ms: percentile(timings, 50),
    p99Ms: percentile(timings, 99),
    maxMs: timings[timings.length - 1]!,
  };
}

async function contentionBench() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-routing-'));
  const server = await ensurePostgres({
    url: process.env.DATABASE_URL,
    dataDir: path.join(scratch, 'postgres'),
    database: 'postgres',
    log: () => {},
  });
  const name = `bench_routing_${process.pid}`;
  const url = await createDatabase(server.url, name);
  await runMigrations(url);
  const db = openDatabase(url, { max: OPERATORS + 2 });
  try {
    const [group] = await db.insert(operatorGroups).values({ code: 'bench', name: 'Bench' }).returning();
    const [queue] = await db
      .insert(queues)
      .values({ code: 'bench', name: 'Bench', groupId: group!.id, categories: ['bench'] })
      .returning();
    const ids = Array.from({ length: OPERATORS }, (_, i) => `bench-${i}`);
    await db.insert(operators).values(ids.map((id) => ({ id, name: id, ticketLimit: 1_000_000 })));
    await db.insert(operatorGroupMembers).values(ids.map((operatorId) => ({ operatorId, groupId: group!.id })));
    const [client] = await db.insert(clients).values({ name: 'Bench', phone: '+70000000000' }).returning();
    const priorities = ['low', 'normal', 'high', 'critical'] as const;
    for (let from = 0; from < TICKETS; from += 500) {
      await db.insert(tickets).values(
        Array.from({ length: Math.min(500, TICKETS - from) }, (_, k) => {
          const n = from + k + 1;
          return {
            id: n,
            workflowId: `bench-${n}`,
            channel: 'api' as const,
            subject: 's',
            description: 'd',
            clientId: client!.id,
            stage: 'queued' as const,
            category: 'bench',
            priority: priorities[n % 4],
            queueId: queue!.id,
            queuedAt: new Date(Date.now() - n * 1000),
          };
        }),
      );
    }

    const service = createQueueService({ db, offerTtlMs: 60_000 });
    const holding = new Map<number, string>();
    const taken: number[] = [];
    let doubleOffers = 0;
    const start = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        const operator = {
          ...{ id, name: id, role: 'operator' as const, groupIds: [group!.id], disabled: false },
          queueAccess: { [queue!.id]: 'take' as const },
        };
        for (;;) {
          const offer = await service.next(operator, queue!.id);
          if (!offer) return;
          if (holding.has(offer.ticketId)) doubleOffers++;
          holding.set(offer.ticketId, id);
          // What accept writes: the ticket is in work, the offer accepted.
          await db.transaction(async (tx) => {
            await tx
              .update(tickets)
              .set({ stage: 'in_work', assigneeId: id, offeredTo: null, offerExpiresAt: null })
              .where(eq(tickets.id, offer.ticketId));
            await tx
              .update(ticketOffers)
              .set({ outcome: 'accepted', closedAt: sql`now()` })
              .where(and(eq(ticketOffers.id, offer.offerId)));
          });
          holding.delete(offer.ticketId);
          taken.push(offer.ticketId);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const left = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(eq(tickets.stage, 'queued'));
    const retraining = await retrainingBench(db, client!.id, labelled, VERDICTS, random(7));
    return {
      retraining,
      operators: OPERATORS,
      tickets: TICKETS,
      taken: taken.length,
      distinct: new Set(taken).size,
      doubleOffers,
      leftInQueue: left[0]!.n,
      seconds,
      offersPerSecond: taken.length / seconds,
      postgres: server.how,
    };
  } finally {
    await closeDatabase(db);
    await dropDatabase(server.url, name).catch(() => {});
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${os.cpus().length} cores`;

async function main() {
  console.log(`start: ${load()}`);
  const decision = decisionBench();
  console.log(
    `decision (rules + category model + queue) over ${decision.rules} rules, ${decision.texts} texts: compile ${decision.compileMs.toFixed(1)} ms; per ticket p50 ${decision.p50Ms.toFixed(3)} ms, p99 ${decision.p99Ms.toFixed(3)} ms, max ${decision.maxMs.toFixed(3)} ms (target p99 ≤ 2 ms)`,
  );
  const next = await contentionBench();
  console.log(
    `next under contention: ${next.operators} operators, ${next.tickets} tickets: taken ${next.taken} (${next.distinct} distinct), offered twice at once ${next.doubleOffers}, left in queue ${next.leftInQueue}; ${next.seconds.toFixed(1)} s, ${next.offersPerSecond.toFixed(0)} offers/s (${next.postgres})`,
  );
  const { retraining } = next;
  console.log(
    `retraining on ${retraining.verdicts} verdicts: ${retraining.seconds.toFixed(1)} s (target ≤ 30 s), ${retraining.categories} categories, model ${(retraining.bytes / 1024).toFixed(0)} KiB as stored`,
  );
  console.log(`end: ${load()}`);
  const missed = decision.p99Ms > 2 || retraining.seconds > 30;
  if (next.doubleOffers > 0 || next.distinct !== next.tickets || next.leftInQueue > 0 || missed) process.exitCode = 1;
}

void main();
