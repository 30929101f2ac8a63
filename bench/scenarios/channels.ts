import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pino from 'pino';
import postgres from 'postgres';
import { startDesk, type Desk } from '../../src/desk';
import { freePort } from '../../src/infra/temporal-server';
import { startFakeBotApi, type FakeBotApi } from '../../test/support/fake-bot-api';
import type { BenchEnvironment } from '../env';
import { ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { elapsedMs, runClosedLoop, summarize, type LatencySummary } from '../stats';
import { round } from './floor';

/**
 * How the world reaches the desk here: a handful of SMTP connections at once (a desk that is its
 * own MX hears from a few relays, each sending its queue down one connection), and Telegram's
 * default `max_connections` of 40 for a webhook.
 */
const SMTP_CONNECTIONS = 10;
const WEBHOOK_CONNECTIONS = 40;
/** Every tenth update is sent twice at once (Telegram retrying an answer it did not see in time)… */
const REDELIVER_EVERY = 10;
/** …and this share of all of them once more after everything was processed (a late retry). */
const LATE_REDELIVERY_SHARE = 0.05;
/** Resolution notices to answer come from tickets the demo manager may take: a screen repair (the history scenario's). */
const SCREEN = { subject: 'Разбит экран телефона', description: 'Телефон упал, экран разбит, сенсор не реагирует.' };
const MANAGER = 'sidorova';
const DESK_DOMAIN = 'bench.local';

/** How a reply finds its ticket, as the client's mail program wrote it. */
type MailKind = 'new' | 'reply_to_notice' | 'follow_up' | 'subject_tag';

interface SentMail {
  kind: MailKind;
  messageId: string;
  /** The ticket it is meant for; null: a new ticket of its own. */
  intended: number | null;
}

export interface ChannelsResult {
  mail: {
    sent: number;
    byKind: Record<MailKind, number>;
    smtp: ReturnType<Outcomes['toJSON']>;
    /** Client side: the SMTP transaction, MAIL FROM to the 250 that says the message is stored. */
    smtpLatencyMs: LatencySummary;
    /** Mails answered 250 per second over the two sending phases. */
    perSecond: number;
    /** Sending paced at this many mails a second (`--mail-rate`); null: as fast as the connections go. */
    paced: number | null;
    /** Mails the desk settled per second: first stored → last on its ticket, per phase. */
    processedPerSecond: { newTickets: number; replies: number };
    threaded: { correct: number; total: number; wrong: string[]; byRule: Record<string, number> };
    /** Stored (inbound_messages.received_at) → its article on its ticket (ticket_articles.created_at). */
    receiptToTicketMs: { all: LatencySummary; newTickets: LatencySummary; replies: LatencySummary };
    reopened: number;
  };
  telegram: {
    updates: number;
    chats: number;
    posts: number;
    webhook: ReturnType<Outcomes['toJSON']>;
    webhookLatencyMs: LatencySummary;
    stored: number;
    lost: number;
    duplicated: number;
    statuses: Record<string, number>;
    tickets: { expected: number; found: number };
    articles: { expected: number; found: number };
    /** Messages the bot sent more than once for the same update (a registration, an "added to your ticket"). */
    duplicateAnswers: number;
    missingAnswers: number;
    /** Stored → processed (telegram_updates.received_at → processed_at). */
    receiptToProcessedMs: LatencySummary;
  };
  memory: { rssBeforeMiB: number; peakRssMiB: number; rssAfterMiB: number; heapUsedAfterMiB: number };
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function settledMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

/** Polls `done` until it holds or `timeoutMs` passes; answers whether it held. */
async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) if (await done()) return true;
  return done();
}

/**
 * Issue #13's channel figures: `--mails` e-mails through the desk's real SMTP receiver (half new,
 * half replies threaded as a client's mail program threads them) and `--updates` Telegram updates
 * through the real webhook route (with redeliveries), on a desk of its own — its own database,
 * task queue and worker, the SMTP receiver on a free port, the bot in webhook mode against a local
 * Bot API. Correctness is read back from the database: which ticket each mail became an article
 * of, and whether every update is one row, processed once.
 */
export async function runChannels(env: BenchEnvironment, options: BenchOptions): Promise<ChannelsResult> {
  const databaseUrl = await env.createScratchDatabase('channels');
  const botToken = `${700_000 + Math.floor(Math.random() * 99_999)}:AAbench_${env.runId}`;
  const bot = await startFakeBotApi(botToken);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const mailDir = path.join(env.dataDir, `channels-mail-${env.runId}`);
  const rssBefore = settledMemory().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250);
  let desk: Desk | undefined;
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  try {
    desk = await startDesk({
      databaseUrl,
      temporalAddress: env.temporal.address,
      namespace: env.temporal.namespace,
      taskQueue: `bench-channels-${env.runId}`,
      logger: pino(
        { level: 'info' },
        pino.destination({ dest: path.join(env.dataDir, 'channels.log'), mkdir: true, sync: false }),
      ),
      publicUrl: baseUrl,
      mailFrom: `Service Desk <desk@${DESK_DOMAIN}>`,
      mailDropDir: mailDir,
      surveyTimeoutMs: 7 * 86_400_000,
      intakeWaitMs: 10_000,
      seedDemo: true,
      workflowBundle: env.workflowBundle,
      mailReceiver: { host: '127.0.0.1', port: 0, domain: DESK_DOMAIN, maxSize: 10 * 2 ** 20 },
      telegram: { token: botToken, apiUrl: bot.url, mode: 'webhook', pollTimeoutSeconds: 1, allowPrivate: true },
    });
    await desk.app.listen({ host: '127.0.0.1', port });
    const mail = await runMail(env, options, desk, sql, baseUrl, mailDir);
    const telegram = await runTelegram(env, options, bot, Number(botToken.split(':')[0]), sql, baseUrl);
    const after = settledMemory();
    return {
      mail,
      telegram,
      memory: {
        rssBeforeMiB: mib(rssBefore),
        peakRssMiB: mib(peakRss),
        rssAfterMiB: mib(after.rss),
        heapUsedAfterMiB: mib(after.heapUsed),
      },
    };
  } finally {
    clearInterval(sampler);
    await sql.end({ timeout: 5 });
    await desk?.stop();
    await bot.close();
  }
}

async function runMail(
  env: BenchEnvironment,
  options: BenchOptions,
  desk: Desk,
  sql: postgres.Sql,
  baseUrl: string,
  mailDir: string,
): Promise<ChannelsResult['mail']> {
  const newCount = Math.ceil(options.mails / 2);
  const replyCount = options.mails - newCount;
  // A fifth of the replies answer the desk's resolution notice (each needs its ticket worked and resolved first).
  const noticeCount = replyCount === 0 ? 0 : Math.min(newCount, Math.max(1, Math.round(replyCount / 5)));
  const next = ticketGenerator(options.seed, 13);
  const clientOf = (i: number) => `client${i}.${env.runId}@mail.example`;
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: desk.mailReceiver!.port,
    secure: false,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    maxMessages: Infinity,
  });
  const outcomes = new Outcomes();
  const smtpLatencies: number[] = [];
  const sent: SentMail[] = [];
  let sendingMs = 0;
  const sendAll = async (mails: Array<{ mail: SendMailOptions; record: SentMail }>, label: string) => {
    const progress = env.progress(label, mails.length);
    const started = process.hrtime.bigint();
    await runClosedLoop(mails.length, SMTP_CONNECTIONS, async (i) => {
      const { mail, record } = mails[i]!;
      if (options.mailRate > 0) await sleep((i * 1000) / options.mailRate - elapsedMs(started));
      const t = process.hrtime.bigint();
      try {
        const info = await smtp.sendMail(mail);
        smtpLatencies.push(elapsedMs(t));
        outcomes.record(Number(info.response.slice(0, 3)));
        sent.push(record);
      } catch (error) {
        outcomes.record((error as { responseCode?: number }).responseCode ?? 'error', error);
      }
      progress.tick();
    });
    sendingMs += elapsedMs(started);
    progress.done();
  };
  const articleOf = async (messageIds: string[]) =>
    sql<Array<{ messageId: string; ticketId: number }>>`
      select message_id as "messageId", ticket_id::int as "ticketId" from ticket_articles
      where channel = 'email' and message_id = any(${messageIds})`;
  // An article is attached before its stored message is marked with the rule that threaded it: wait for both.
  const settledCount = async (messageIds: string[]) => {
    const [{ count }] = await sql<[{ count: number }]>`
      select count(*)::int as count from ticket_articles a join inbound_messages m on m.id = a.inbound_message_id
      where a.channel = 'email' and a.message_id = any(${messageIds}) and m.status = 'attached'`;
    return count;
  };
  const waitForArticles = async (messageIds: string[]) =>
    until(async () => (await settledCount(messageIds)) >= messageIds.length, 120_000 + 200 * messageIds.length);

  try {
    // New requests, each from a client of its own.
    const firsts = Array.from({ length: newCount }, (_, i) => {
      const text = i < noticeCount ? SCREEN : next();
      const messageId = `<new-${i}.${env.runId}@mail.example>`;
      return {
        mail: {
          from: `Клиент ${i} <${clientOf(i)}>`,
          to: `Service Desk <desk@${DESK_DOMAIN}>`,
          subject: text.subject,
          text: text.description,
          messageId,
        },
        record: { kind: 'new' as const, messageId, intended: null },
      };
    });
    await sendAll(firsts, 'channels: new e-mails');
    if (!(await waitForArticles(firsts.map((f) => f.record.messageId))))
      env.log('channels: not every new e-mail became a ticket in time');
    const ticketOfFirst = new Map(
      (await articleOf(firsts.map((f) => f.record.messageId))).map((a) => [a.messageId, a.ticketId]),
    );

    // The desk's own mail to answer: the first tickets are worked and resolved, their resolution notice lands in the drop folder.
    const notices = new Map<number, { messageId: string; subject: string }>();
    const progress = env.progress('channels: resolving tickets for their notices', noticeCount);
    await runClosedLoop(noticeCount, 5, async (i) => {
      const ticketId = ticketOfFirst.get(firsts[i]!.record.messageId);
      if (ticketId === undefined) return;
      for (const [step, body] of [
        ['accept', undefined],
        ['work', { minutes: 30, note: 'Заменён дисплейный модуль' }],
        ['resolve', { resolution: 'Экран заменён, телефон проверен.' }],
      ] as const) {
        const answer = await callApi(baseUrl, 'POST', `/tickets/${ticketId}/${step}`, { body, operator: MANAGER });
        if (answer.status >= 300)
          throw new Error(`channels: ${step} of ${ticketId} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      const found = await until(async () => {
        const file = (await fs.readdir(mailDir).catch(() => [])).find((f) =>
          f.startsWith(`ticket-${ticketId}.resolution.`),
        );
        if (!file) return false;
        const notice = await simpleParser(await fs.readFile(path.join(mailDir, file)));
        notices.set(ticketId, { messageId: notice.messageId!, subject: notice.subject ?? '' });
        return true;
      }, 30_000);
      if (!found) throw new Error(`channels: ticket ${ticketId}'s resolution notice was not written`);
      progress.tick();
    });
    progress.done();

    // Replies: to the notice (In-Reply-To and References, as any mail program), a follow-up on one's own
    // first mail (In-Reply-To it), and a fresh mail with the ticket's [#number] in the subject.
    const replies = Array.from({ length: replyCount }, (_, r) => {
      const i = r < noticeCount ? r : noticeCount + ((r - noticeCount) % (newCount - noticeCount || 1));
      const first = firsts[i]!;
      const ticketId = ticketOfFirst.get(first.record.messageId) ?? -1;
      const kind: MailKind = r < noticeCount ? 'reply_to_notice' : r % 2 === 0 ? 'follow_up' : 'subject_tag';
      const messageId = `<reply-${r}.${env.runId}@mail.example>`;
      const notice = notices.get(ticketId);
      const threading =
        kind === 'reply_to_notice'
          ? {
              subject: `Re: ${notice?.subject ?? first.mail.subject}`,
              inReplyTo: notice?.messageId,
              references: [first.record.messageId, notice?.messageId ?? ''].filter(Boolean),
            }
          : kind === 'follow_up'
            ? {
                subject: `Re: ${first.mail.subject}`,
                inReplyTo: first.record.messageId,
                references: [first.record.messageId],
              }
            : { subject: `[#${ticketId}] ${first.mail.subject}` };
      return {
        mail: {
          from: first.mail.from,
          to: first.mail.to,
          text: kind === 'reply_to_notice' ? 'Экран снова мерцает после ремонта.' : `Дополнение к заявке: ${r}.`,
          messageId,
          ...threading,
        },
        record: { kind, messageId, intended: ticketId },
      };
    });
    await sendAll(replies, 'channels: replies');
    const all = sent.map((s) => s.messageId);
    await waitForArticles(all);

    const rows = await sql<
      Array<{ messageId: string; ticketId: number; rule: string | null; storedAt: number; attachedAt: number }>
    >`
      select a.message_id as "messageId", a.ticket_id::int as "ticketId", m.note as rule,
             extract(epoch from m.received_at) * 1000 as "storedAt",
             extract(epoch from a.created_at) * 1000 as "attachedAt"
      from ticket_articles a join inbound_messages m on m.id = a.inbound_message_id
      where a.channel = 'email' and a.message_id = any(${all})`;
    const byMessage = new Map(rows.map((row) => [row.messageId, row]));
    const newTicketIds = new Set<number>();
    const wrong: string[] = [];
    const byRule: Record<string, number> = {};
    let correct = 0;
    for (const mail of sent) {
      const row = byMessage.get(mail.messageId);
      if (row?.rule) byRule[row.rule] = (byRule[row.rule] ?? 0) + 1;
      const ok =
        row !== undefined &&
        (mail.intended === null
          ? !newTicketIds.has(row.ticketId) && row.rule === 'new_ticket'
          : row.ticketId === mail.intended);
      if (row && mail.intended === null) newTicketIds.add(row.ticketId);
      if (ok) correct++;
      else if (wrong.length < 10)
        wrong.push(
          `${mail.kind} ${mail.messageId}: meant ${mail.intended ?? 'a new ticket'}, got ${row ? `${row.ticketId} (${row.rule})` : 'nothing'}`,
        );
    }
    const settledOf = (kind: (k: MailKind) => boolean) =>
      sent
        .filter((m) => kind(m.kind))
        .flatMap((m) => {
          const row = byMessage.get(m.messageId);
          return row ? [{ storedAt: Number(row.storedAt), attachedAt: Number(row.attachedAt) }] : [];
        });
    const latencies = (kind: (k: MailKind) => boolean) =>
      summarize(settledOf(kind).map((r) => r.attachedAt - r.storedAt));
    const processedPerSecond = (kind: (k: MailKind) => boolean) => {
      const settled = settledOf(kind);
      if (settled.length === 0) return 0;
      const ms = Math.max(...settled.map((r) => r.attachedAt)) - Math.min(...settled.map((r) => r.storedAt));
      return round(settled.length / (ms / 1000), 2);
    };
    const [{ reopened }] = await sql<[{ reopened: number }]>`
      select count(*)::int as reopened from ticket_events where action = 'reopened'`;
    const byKind = { new: 0, reply_to_notice: 0, follow_up: 0, subject_tag: 0 };
    for (const mail of sent) byKind[mail.kind]++;
    return {
      sent: sent.length,
      byKind,
      smtp: outcomes.toJSON(),
      smtpLatencyMs: summarize(smtpLatencies),
      perSecond: round(sent.length / (sendingMs / 1000), 2),
      paced: options.mailRate > 0 ? options.mailRate : null,
      processedPerSecond: {
        newTickets: processedPerSecond((k) => k === 'new'),
        replies: processedPerSecond((k) => k !== 'new'),
      },
      threaded: { correct, total: options.mails, wrong, byRule },
      receiptToTicketMs: {
        all: latencies(() => true),
        newTickets: latencies((k) => k === 'new'),
        replies: latencies((k) => k !== 'new'),
      },
      reopened,
    };
  } finally {
    smtp.close();
  }
}

async function runTelegram(
  env: BenchEnvironment,
  options: BenchOptions,
  bot: FakeBotApi,
  botId: number,
  sql: postgres.Sql,
  baseUrl: string,
): Promise<ChannelsResult['telegram']> {
  const hook = bot.webhook;
  if (!hook) throw new Error('channels: the desk did not set its Telegram webhook');
  const webhookUrl = `${baseUrl}${new URL(hook.url).pathname}`;
  const botUser = { id: botId, is_bot: true, first_name: 'Desk' };
  // Each chat: its own contact (linking it to a client), a request (a ticket), two replies to the bot's "registered".
  const chats = Math.max(1, Math.floor(options.updates / 4));
  const chatBase = 300_000_000 + Math.floor(Math.random() * 100_000_000);
  const next = ticketGenerator(options.seed, 14);
  let nextUpdateId = 1;
  const updateIds: number[] = [];
  const update = (chatId: number, fields: Record<string, unknown>) => {
    const updateId = nextUpdateId++;
    updateIds.push(updateId);
    const from = { id: chatId, is_bot: false, first_name: 'Клиент', language_code: 'ru' };
    return {
      update_id: updateId,
      message: {
        message_id: updateId,
        from,
        chat: { id: chatId, type: 'private', first_name: 'Клиент' },
        date: Math.floor(Date.now() / 1000),
        ...fields,
      },
    };
  };

  const outcomes = new Outcomes();
  const latencies: number[] = [];
  let posts = 0;
  const post = async (body: unknown) => {
    posts++;
    const t = process.hrtime.bigint();
    try {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': hook.secret_token! },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      latencies.push(elapsedMs(t));
      outcomes.record(response.status);
    } catch (error) {
      outcomes.record('error', error);
    }
  };
  /** Sends the update, twice at once for every REDELIVER_EVERY-th. */
  const deliver = (body: { update_id: number }) =>
    body.update_id % REDELIVER_EVERY === 0 ? Promise.all([post(body), post(body)]).then(() => {}) : post(body);
  const sentUpdates: Array<{ update_id: number }> = [];
  const send = async (bodies: Array<Array<{ update_id: number }>>, label: string) => {
    const progress = env.progress(label, bodies.length);
    // One lane per chat at a time: a chat's own updates in order, as Telegram sends them.
    await runClosedLoop(bodies.length, WEBHOOK_CONNECTIONS, async (i) => {
      for (const body of bodies[i]!) {
        sentUpdates.push(body);
        await deliver(body);
      }
      progress.tick();
    });
    progress.done();
  };

  const chatIds = Array.from({ length: chats }, (_, c) => chatBase + c);
  await send(
    chatIds.map((chatId, c) => [
      update(chatId, {
        contact: { phone_number: `7999${String(c).padStart(7, '0')}`, first_name: 'Клиент', user_id: chatId },
      }),
      update(chatId, { text: next().subject }),
    ]),
    'channels: telegram requests',
  );
  const registeredIn = (chatId: number) =>
    bot.sent.filter((m) => Number(m.chat_id) === chatId && m.text.includes('зарегистрирована'));
  await until(async () => chatIds.every((chatId) => registeredIn(chatId).length > 0), 60_000 + 100 * chats);
  await send(
    chatIds.map((chatId, c) => {
      const registered = registeredIn(chatId)[0];
      const replyTo = registered
        ? {
            reply_to_message: {
              message_id: 1,
              from: botUser,
              chat: { id: chatId, type: 'private' },
              date: 0,
              text: registered.text,
            },
          }
        : {};
      return [
        update(chatId, { text: `Уточнение ${c}-1`, ...replyTo }),
        update(chatId, { text: `Уточнение ${c}-2`, ...replyTo }),
      ];
    }),
    'channels: telegram replies',
  );
  const settledCount = async () => {
    const [{ n }] = await sql<[{ n: number }]>`
      select count(*)::int as n from telegram_updates where status not in ('received', 'failed', 'waiting')`;
    return n;
  };
  await until(async () => (await settledCount()) >= updateIds.length, 60_000 + 100 * updateIds.length);
  // Late retries of some already processed updates: still one row, still one answer each.
  const late = sentUpdates.slice(0, Math.ceil(sentUpdates.length * LATE_REDELIVERY_SHARE));
  await runClosedLoop(late.length, WEBHOOK_CONNECTIONS, (i) => post(late[i]!));
  await sleep(1000);
  await until(async () => (await settledCount()) >= updateIds.length, 30_000);

  const rows = await sql<Array<{ updateId: number; status: string; latencyMs: number | null }>>`
    select update_id::int as "updateId", status,
           extract(epoch from (processed_at - received_at)) * 1000 as "latencyMs"
    from telegram_updates where update_id = any(${updateIds})`;
  const storedIds = new Set(rows.map((r) => r.updateId));
  const statuses: Record<string, number> = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  const [{ tickets }] = await sql<[{ tickets: number }]>`
    select count(*)::int as tickets from tickets where channel = 'telegram'`;
  const [{ articles }] = await sql<[{ articles: number }]>`
    select count(*)::int as articles from ticket_articles where channel = 'telegram' and direction = 'in'`;
  // What each chat should have heard from the bot: once "registered", twice "added to your ticket".
  let duplicateAnswers = 0;
  let missingAnswers = 0;
  for (const chatId of chatIds) {
    const inChat = bot.sent.filter((m) => Number(m.chat_id) === chatId);
    const registered = inChat.filter((m) => m.text.includes('зарегистрирована')).length;
    const added = inChat.filter((m) => m.text.startsWith('Сообщение добавлено')).length;
    duplicateAnswers += Math.max(0, registered - 1) + Math.max(0, added - 2);
    missingAnswers += Math.max(0, 1 - registered) + Math.max(0, 2 - added);
  }
  return {
    updates: updateIds.length,
    chats,
    posts,
    webhook: outcomes.toJSON(),
    webhookLatencyMs: summarize(latencies),
    stored: rows.length,
    lost: updateIds.filter((id) => !storedIds.has(id)).length,
    duplicated: rows.length - storedIds.size,
    statuses,
    tickets: { expected: chats, found: tickets },
    articles: { expected: chats * 3, found: articles },
    duplicateAnswers,
    missingAnswers,
    receiptToProcessedMs: summarize(rows.flatMap((r) => (r.latencyMs === null ? [] : [Number(r.latencyMs)]))),
  };
}
