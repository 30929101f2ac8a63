import { recordTicketEvents } from '../src/db/events';
import type { ClientCategory } from '../src/db/schema';
import { decidingClientCategory } from '../src/domain/client-confirmation';
import type { ExternalAnswer } from '../src/domain/external-classification';
import {
  chooseIntakeQueue,
  classifyFacts,
  decideIntake,
  knownCategories,
  startSlaClock,
} from '../src/domain/intake-decision';
import { classifyEvent, queueEvent, registerEvents, slaStartedEvents } from '../src/domain/ticket-events';
import { chooseLeastLoaded, heldFor, holdFor } from '../src/repositories/operators';
import { createRoutingCache, type ReferenceData } from '../src/repositories/routing';
import {
  classifyFactsOf,
  findOrCreateClient,
  insertQueued,
  insertRegistering,
  queueFactsOf,
  requiredCompetenceOf,
  slaFactsOf,
  writeClassification,
  writeQueued,
  writeSlaStart,
} from '../src/repositories/ticket-intake';
import type {
  ClassifiedTicket,
  IntakeOutcome,
  QueuedTicket,
  RegisteredTicket,
  SlaStart,
  TicketIntake,
} from '../workflows/types';
import { ticketLogger, type ActivityDependencies, type Transaction } from './context';

interface ClassifyInput {
  ticketId: number;
  subject: string;
  description: string;
  clientCategory: ClientCategory;
  /** The catalog service the channel asked for, if any (TicketIntake.serviceCode). */
  serviceCode?: string;
}

interface EnqueueInput {
  ticketId: number;
  category: string;
}

/** Register → classify → queue (→ SLA start): the decision is the pure intake decision, written here. */
export function createIntakeActivities({
  db,
  logger,
  classifier,
}: Pick<ActivityDependencies, 'db' | 'logger' | 'classifier'>) {
  const ticketLog = ticketLogger(logger);
  const routing = createRoutingCache(db);

  /** The external classifier's answer, asked before any transaction opens (it may take seconds). */
  const askExternal = async (subject: string, description: string): Promise<ExternalAnswer | undefined> =>
    classifier?.rank(`${subject}\n${description}`, knownCategories(await routing.current()));

  return {
    /**
     * Register → classify → queue in one transaction and one local activity; given `sla`, the
     * SLA clock starts here too (agreement, first deadlines), so the workflow starts its first
     * timer in the same workflow task. A new ticket's row is written once, already queued, from
     * reference data kept in memory (see createRoutingCache), and its events go in one insert.
     * A retry, or a row left by the step-by-step intake of older tickets, goes through the
     * steps, which are idempotent.
     */
    async intakeTicket(intake: TicketIntake, sla?: { startedAt: string }): Promise<IntakeOutcome> {
      const external = await askExternal(intake.subject, intake.description);
      const outcome = await db.transaction(async (tx) => {
        const reference = await routing.current(tx);
        return (
          (await intakeNewTicket(tx, reference, intake, sla, external)) ??
          (await intakeStepByStep(tx, reference, intake, sla, external))
        );
      });
      const { registered, queued } = outcome;
      ticketLog(intake.ticketId).info(
        {
          clientId: registered.clientId,
          newClient: registered.newClient,
          queue: queued.queueCode,
          autoAssignee: queued.autoAssignee,
          slaAgreementId: outcome.sla?.terms.agreementId,
        },
        'ticket registered and queued',
      );
      return outcome;
    },

    /** The client is found by phone or e-mail, created if new; the ticket row is written once. */
    async registerTicket(intake: TicketIntake): Promise<RegisteredTicket> {
      const result = await db.transaction((tx) => registerIn(tx, intake));
      ticketLog(intake.ticketId).info({ clientId: result.clientId, newClient: result.newClient }, 'ticket registered');
      return result;
    },

    async classifyTicket(input: ClassifyInput): Promise<ClassifiedTicket> {
      const external = await askExternal(input.subject, input.description);
      return db.transaction(async (tx) => classifyIn(tx, await routing.current(tx), input, external));
    },

    async enqueueTicket(input: EnqueueInput): Promise<QueuedTicket> {
      const queued = await db.transaction(async (tx) => enqueueIn(tx, await routing.current(tx), input));
      ticketLog(input.ticketId).info({ queue: queued.queueCode, autoAssignee: queued.autoAssignee }, 'ticket queued');
      return queued;
    },
  };

  /**
   * A new ticket: client found or created, then everything decided in memory and the row
   * written once, classified, queued and under its SLA, with its steps' events in one insert.
   * Undefined when the row already exists (a retry): the caller goes through the steps.
   */
  async function intakeNewTicket(
    tx: Transaction,
    reference: ReferenceData,
    intake: TicketIntake,
    sla: { startedAt: string } | undefined,
    external: ExternalAnswer | undefined,
  ): Promise<IntakeOutcome | undefined> {
    const { client, newClient } = await findOrCreateClient(tx, intake);
    const clientCategory = decidingClientCategory(client.category as ClientCategory, intake.identifiedBy !== undefined);
    const facts = {
      subject: intake.subject,
      description: intake.description,
      channel: intake.channel,
      clientCategory,
      productGroup: intake.productGroup ?? null,
      location: intake.location ?? null,
      serviceCode: intake.serviceCode ?? null,
    };
    const decision = decideIntake(reference, facts, sla ? new Date(sla.startedAt) : undefined, external);
    const { classification, queue } = decision;
    const { category, priority, service, supportLine } = classification;
    if (!queue) throw new Error(`no queue takes category ${category} and there is no fallback queue`);
    const serviceId = service?.id ?? null;
    const decided = { category, priority, serviceId, supportLine, queueId: queue.id, sla: decision.sla };
    if (!(await insertQueued(tx, intake, client.id, decided))) return undefined;
    await recordTicketEvents(tx, [
      ...registerEvents(intake, client.id, newClient),
      classifyEvent(intake.ticketId, classification),
      queueEvent(intake.ticketId, queue.code),
      ...(decision.sla ? slaStartedEvents(intake.ticketId, decision.sla.terms) : []),
    ]);
    const autoAssignee = queue.autoAssign ? await autoAssign(tx, intake.ticketId, queue, category) : undefined;
    return {
      registered: { clientId: client.id, clientCategory, newClient },
      classified: { category, priority, serviceCode: service?.code ?? null },
      queued: {
        queueId: queue.id,
        queueCode: queue.code,
        groupId: queue.groupId,
        ...(autoAssignee ? { autoAssignee } : {}),
      },
      ...(sla ? { sla: decision.sla ?? null } : {}),
    };
  }

  /** The steps one by one, each idempotent: a retry answers as the first attempt did. */
  async function intakeStepByStep(
    tx: Transaction,
    reference: ReferenceData,
    intake: TicketIntake,
    sla: { startedAt: string } | undefined,
    external: ExternalAnswer | undefined,
  ): Promise<IntakeOutcome> {
    const registered = await registerIn(tx, intake);
    const classified = await classifyIn(
      tx,
      reference,
      {
        ticketId: intake.ticketId,
        subject: intake.subject,
        description: intake.description,
        clientCategory: registered.clientCategory,
        ...(intake.serviceCode ? { serviceCode: intake.serviceCode } : {}),
      },
      external,
    );
    const queued = await enqueueIn(tx, reference, { ticketId: intake.ticketId, category: classified.category });
    if (!sla) return { registered, classified, queued };
    return {
      registered,
      classified,
      queued,
      sla: await startSlaIn(tx, reference, intake.ticketId, new Date(sla.startedAt)),
    };
  }

  /** The step-by-step registration: the row as `registering`, classified and queued by the next steps. */
  async function registerIn(tx: Transaction, intake: TicketIntake): Promise<RegisteredTicket> {
    const { client, newClient } = await findOrCreateClient(tx, intake);
    const registered = await insertRegistering(tx, intake, client.id);
    await recordTicketEvents(tx, registerEvents(intake, registered.clientId, newClient));
    return { ...registered, newClient };
  }

  /** The agreement of a queued ticket (the one it has, else its service's), written once, and its first deadlines. */
  async function startSlaIn(
    tx: Transaction,
    reference: ReferenceData,
    ticketId: number,
    startedAt: Date,
  ): Promise<SlaStart | null> {
    const ticket = await slaFactsOf(tx, ticketId);
    const agreed =
      ticket.agreementId === null ? undefined : reference.agreements.find((a) => a.id === ticket.agreementId);
    const started = startSlaClock(reference, ticket, startedAt, agreed);
    if (!started || ticket.agreementId !== null) return started;
    await writeSlaStart(tx, ticketId, started);
    await recordTicketEvents(tx, slaStartedEvents(ticketId, started.terms));
    return started;
  }

  /** Rules first, then the category model's suggestion, else triage; the decision and why go on the ticket's trail. */
  async function classifyIn(
    tx: Transaction,
    reference: ReferenceData,
    input: ClassifyInput,
    external: ExternalAnswer | undefined,
  ): Promise<ClassifiedTicket> {
    const facts = { ...input, ...(await classifyFactsOf(tx, input.ticketId)) };
    const classification = classifyFacts(reference, facts, external);
    const { category, priority, service, supportLine } = classification;
    await writeClassification(tx, input.ticketId, { category, priority, serviceId: service?.id ?? null, supportLine });
    await recordTicketEvents(tx, [classifyEvent(input.ticketId, classification)]);
    return { category, priority, serviceCode: service?.code ?? null };
  }

  /** The queue a rule named, else the first queue whose filter takes the ticket, else the fallback (triage) queue. */
  async function enqueueIn(tx: Transaction, reference: ReferenceData, input: EnqueueInput): Promise<QueuedTicket> {
    const { namedQueue, ...facts } = await queueFactsOf(tx, input.ticketId);
    const queue = chooseIntakeQueue(reference, { category: input.category, ...facts }, namedQueue);
    if (!queue) throw new Error(`no queue takes category ${input.category} and there is no fallback queue`);
    await writeQueued(tx, input.ticketId, queue.id);
    await recordTicketEvents(tx, [queueEvent(input.ticketId, queue.code)]);
    const autoAssignee = queue.autoAssign ? await autoAssign(tx, input.ticketId, queue, input.category) : undefined;
    return {
      queueId: queue.id,
      queueCode: queue.code,
      groupId: queue.groupId,
      ...(autoAssignee ? { autoAssignee } : {}),
    };
  }

  /**
   * The ticket is held for the least loaded operator who may take it, as an offer in the same
   * transaction, so the next ticket counts it; a retry finds the hold.
   */
  async function autoAssign(
    tx: Transaction,
    ticketId: number,
    queue: { id: number; groupId: number },
    category: string,
  ) {
    const held = await heldFor(tx, ticketId);
    if (held) return held;
    const requiredCompetence = await requiredCompetenceOf(tx, ticketId);
    const chosen = await chooseLeastLoaded(tx, { id: ticketId, category, requiredCompetence }, queue);
    if (chosen) await holdFor(tx, ticketId, queue.id, chosen, 'auto-assigned by least load');
    return chosen;
  }
}
