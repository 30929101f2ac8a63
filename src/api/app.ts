import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { Tracing } from '../infra/tracing';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../infra/database-errors';
import { ErrorStatus, type ErrorCode } from '../domain/errors';
import type { ArticleService } from '../services/article-service';
import type { ClientService } from '../services/client-service';
import type { ClientStatus } from '../services/client-status';
import type { AuditService } from '../services/audit-service';
import type { CallService } from '../services/call-service';
import type { SmsDeliveries } from '../services/sms-deliveries';
import type { SmsGatewayCallbacks } from '../services/sms-gateway-callbacks';
import type { SmsIntake } from '../services/sms-intake';
import type { NoticeTemplateService } from '../services/notice-template-service';
import type { CatalogService } from '../services/catalog-service';
import type { IdentityService } from '../services/identity-service';
import type { LdapSignIn } from '../services/ldap-sign-in';
import type { OidcSignIn } from '../services/oidc-sign-in';
import type { StaffService } from '../services/staff-service';
import type { TelegramIntake } from '../services/telegram-intake';
import type { OperationsService } from '../services/operations-service';
import { DeskError, MovedError } from '../services/errors';
import type { ProcessService } from '../services/process-service';
import type { FigureService } from '../services/figure-service';
import type { QueueService } from '../services/queue-service';
import type { RulesService } from '../services/rules-service';
import type { TicketReads } from '../services/ticket-reads';
import type { TicketService } from '../services/ticket-service';
import { accessKey, routeAccess } from './access-table';
import { refuseOtherHosts } from './allowed-hosts';
import { authPlugin } from './auth';
import { authRoutes } from './routes/auth';
import { ssoRoutes } from './routes/sso';
import { requestLogged } from './request-log';
import { refuseUnstorableText } from './stored-text';
import { httpMetricsPlugin } from './http-metrics';
import { sharedRateLimitStore } from './public-rate-limit';
import { calendarRoutes } from './routes/calendars';
import { callRoutes } from './routes/calls';
import { smsRoutes } from './routes/sms';
import { catalogRoutes } from './routes/catalog';
import { auditLogRoutes } from './routes/audit-log';
import { clientRoutes } from './routes/clients';
import { escalationRoutes } from './routes/escalations';
import { figureRoutes } from './routes/figures';
import { olaRoutes } from './routes/ola';
import { operationsRoutes } from './routes/operations';
import { noticeTemplateRoutes } from './routes/notice-templates';
import { overdueReasonRoutes } from './routes/overdue-reasons';
import { processRoutes } from './routes/processes';
import { queueRoutes } from './routes/queues';
import { ruleRoutes } from './routes/rules';
import { staffRoutes } from './routes/staff';
import { telegramRoutes } from './routes/telegram';
import { ticketRoutes } from './routes/tickets';
import { errorSchema } from './schemas/common';
import { queuedTicketSchema } from './schemas/queues';
import { ruleSchema } from './schemas/rules';
import { ticketDetails, ticketSummary } from './schemas/tickets';

/** Routes receive services only: no database, no repository. */
export interface AppDependencies {
  /** OpenTelemetry's HTTP side, when tracing is on (src/infra/tracing.ts): registered before everything. */
  tracing?: Pick<Tracing, 'httpPlugin'>;
  identity: IdentityService;
  /** Single sign-on at an OpenID Connect provider, when configured (OIDC_ISSUER). */
  oidc?: OidcSignIn;
  /** Sign-in with the directory's password (LDAP/AD), when configured (LDAP_URL). */
  ldap?: LdapSignIn;
  /** Addresses of authenticating proxies whose identity header is believed (TRUSTED_PROXIES); none by default. */
  trustedProxies?: readonly string[];
  /** Requests a minute one address may make to the public routes that write (intake, survey); none: no limit. */
  publicRateLimit?: number;
  /** Requests a minute per address to the channels' webhooks (WEBHOOK_RATE_LIMIT); none: unlimited. */
  webhookRateLimit?: number;
  /** The header such a proxy names the signed-in login in. */
  identityHeader?: string;
  tickets: TicketService;
  staff: StaffService;
  reads: TicketReads;
  clients: ClientService;
  articles: ArticleService;
  clientStatus: ClientStatus;
  /** How often a client's status stream looks for changes; 3 s when absent. */
  statusPollMs?: number;
  processes: ProcessService;
  figures: FigureService;
  /** The escalation audit (GET /escalations, GET /tickets/:id/breaches). */
  audit: AuditService;
  queues: QueueService;
  rules: RulesService;
  catalog: CatalogService;
  noticeTemplates: NoticeTemplateService;
  operations: OperationsService;
  /** Phone calls (CTI webhook, Zadarma's, operators' page), when CTI_TOKEN or ZADARMA_TOKEN is set. */
  calls?: CallService;
  /** Inbound SMS, when SMS_TOKEN is set. */
  sms?: SmsIntake;
  /** Delivery reports of the SMS the desk sends, when a gateway is configured too. */
  smsDeliveries?: SmsDeliveries;
  /** What that gateway posts in its own format (delivery callbacks, inbound SMS), with both of the above. */
  smsCallbacks?: SmsGatewayCallbacks;
  /** The Telegram bot's webhook, when the bot runs in webhook mode (TELEGRAM_MODE=webhook). */
  telegramWebhook?: TelegramIntake;
  logger: Logger;
  webDir?: string;
  /** Links printed in the OpenAPI document. */
  publicUrl?: string;
  /** The Host values answered to (see allowedHosts); none: any Host. */
  allowedHosts?: ReadonlySet<string>;
  /** One access-log line per request at this level, or none; `info` when absent. */
  accessLog?: 'info' | 'debug' | 'off';
  /** How long a request, its body included, may take before the connection is closed (REQUEST_TIMEOUT). */
  requestTimeoutMs?: number;
}

export const BODY_LIMIT = 64 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const bpmnJsDist = path.join(path.dirname(require.resolve('bpmn-js/package.json')), 'dist');
const echartsDist = path.join(path.dirname(require.resolve('echarts/package.json')), 'dist');

/**
 * The per-address limit a request is held to: `public` for a route anyone may call that changes
 * something (PUBLIC_RATE_LIMIT), `webhook` for a channel's machine posting with the desk's secret
 * (WEBHOOK_RATE_LIMIT, higher: one provider speaks for every client); none for the rest.
 */
const limitOf = (method: string, url: string | undefined): 'public' | 'webhook' | undefined => {
  if (url === undefined) return undefined;
  const access = routeAccess[accessKey(method, url)];
  if (access === undefined || !('public' in access)) return undefined;
  if (access.webhook) return 'webhook';
  if (method === 'GET' || method === 'HEAD') return access.writes === undefined ? undefined : 'public';
  return 'public';
};

/** The HTTP face of the desk: thin routes over the ticket service, every route with schemas. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({}, { serializers: { req: requestLogged } }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // A client that sends its body slowly must not hold a connection for ever.
    requestTimeout: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectionTimeout: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    // One line per request, written when it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  // A span per request, its handler's work (the workflow's start, signals, updates) inside it.
  if (deps.tracing) await app.register(deps.tracing.httpPlugin);
  if (deps.allowedHosts) refuseOtherHosts(app, deps.allowedHosts);
  const accessLog = deps.accessLog ?? 'info';
  if (accessLog !== 'off')
    app.addHook('onResponse', async (request, reply) => {
      request.log[accessLog](
        { req: request, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
    });
  // JSON only: a text body is refused with 415 rather than read as a string.
  app.removeContentTypeParser('text/plain');
  app.addSchema(errorSchema);
  app.addSchema(ticketSummary);
  app.addSchema(ticketDetails);
  app.addSchema(ruleSchema);
  app.addSchema(queuedTicketSchema);

  // First, so that its hooks see every route registered after it, the documentation's included.
  await app.register(authPlugin, {
    identity: deps.identity,
    secureCookies: deps.publicUrl?.startsWith('https:') ?? false,
    trustedProxies: deps.trustedProxies ?? [],
    identityHeader: (deps.identityHeader ?? 'x-remote-user').toLowerCase(),
    places: deps.queues,
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Durable Service Desk API',
        version: '0.1.0',
        description:
          'Every ticket is a Temporal workflow: register → classify → queue → accept → execute → notify → survey.',
      },
      servers: deps.publicUrl ? [{ url: deps.publicUrl }] : [],
      components: {
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token `sd_…` from POST /auth/tokens, scoped read / act / manage',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: deps.publicUrl?.startsWith('https:') ? '__Host-desk-session' : 'desk-session',
            description: 'The session of a signed-in person (POST /auth/sign-in); writes also need x-csrf-token',
          },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
      tags: [
        { name: 'auth', description: 'Sign-in, sessions and API tokens' },
        { name: 'tickets', description: 'Register and work tickets' },
        { name: 'queues', description: 'Operator queues: blind listings, pull the next ticket' },
        {
          name: 'clients',
          description:
            'Client profiles, contacts, devices, consents, their tickets in one timeline; merging duplicates',
        },
        { name: 'rules', description: 'Classification and routing rules' },
        { name: 'survey', description: 'Client satisfaction' },
        { name: 'processes', description: 'BPMN processes with live figures, and each ticket’s path' },
        { name: 'figures', description: 'What managers look at: the desk’s figures, each with its definition' },
        { name: 'sla', description: 'SLA clocks: pause, resume, escalate, change' },
        { name: 'catalog', description: 'Service catalog, business calendars, SLA/OLA, overdue reasons' },
        { name: 'operations', description: 'Health probes and Prometheus metrics' },
        { name: 'sms', description: 'Inbound SMS: threaded to the sender’s open ticket' },
        {
          name: 'calls',
          description: 'Phone calls: the CTI webhook, Zadarma’s, callers’ cards live, a ticket from a call',
        },
      ],
    },
  });
  await app.register(fastifyHelmet, { contentSecurityPolicy: { directives: contentSecurityPolicy } });
  const limits = { public: deps.publicRateLimit, webhook: deps.webhookRateLimit };
  if (limits.public || limits.webhook) {
    const limitFor = (request: FastifyRequest) => limitOf(request.method, request.routeOptions.url);
    // Staff routes are behind sign-in; what anyone may send (a ticket, a survey answer) is limited
    // per address, so a script cannot flood intake or guess links, and so are the channels'
    // webhooks, at their own higher limit and count. Counted in the database, so every API process
    // of a desk shares one count. If the count cannot be had (the database away), the request is
    // refused, 503 like every request that meets the outage: never let through uncounted.
    await app.register(fastifyRateLimit, {
      max: (request) => limits[limitFor(request)!]!,
      timeWindow: 60_000,
      store: sharedRateLimitStore(deps.identity.countPublicWrite),
      // The plugin's own key (the address, IPv6 by its /64), the webhooks' counted apart.
      keyGenerator: (request) => {
        const address = normalizeIP(request.ip);
        return limitFor(request) === 'webhook' ? `webhook ${address}` : address;
      },
      allowList: (request) => {
        const limit = limitFor(request);
        return limit === undefined || !limits[limit];
      },
      errorResponseBuilder: (request, context) =>
        new DeskError(
          'RATE_LIMITED',
          limitFor(request) === 'webhook'
            ? `more than ${context.max} webhook requests a minute from this address (WEBHOOK_RATE_LIMIT); retry in ${context.after}`
            : `more than ${context.max} requests a minute from this address to the desk's public routes; retry in ${context.after}`,
        ),
    });
  }
  // Swagger UI's page has inline scripts of its own: its plugin hashes them into /docs' policy.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.setErrorHandler((error: FastifyError | DeskError, request, reply) => {
    if (error instanceof DeskError) {
      if (error instanceof MovedError) reply.header('location', error.location);
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        error: httpReason(error.statusCode),
        code: error.code,
        message: error.message,
      });
    }
    if (error.validation) {
      const first = error.validation[0]!;
      const { missingProperty: missing, additionalProperty: extra } = first.params as {
        missingProperty?: string;
        additionalProperty?: string;
      };
      const within = `${error.validationContext ?? 'request'}${first.instancePath.replace(/\//g, '.')}`;
      const where = `${within}${missing ? `.${missing}` : extra ? `.${extra}` : ''}`;
      const message = missing
        ? `${where} is required`
        : extra
          ? `${where} is not a field here (${within} must NOT have additional properties)`
          : `${where} ${first.message ?? 'is invalid'}`;
      return reply.status(ErrorStatus.VALIDATION).send({
        statusCode: ErrorStatus.VALIDATION,
        error: httpReason(ErrorStatus.VALIDATION),
        code: 'VALIDATION' satisfies ErrorCode,
        message,
        field: where,
      });
    }
    if (isBackendUnavailable(error)) {
      request.log.error({ err: error }, 'a backend is unavailable');
      return reply.status(ErrorStatus.BACKEND_UNAVAILABLE).send({
        statusCode: ErrorStatus.BACKEND_UNAVAILABLE,
        error: httpReason(ErrorStatus.BACKEND_UNAVAILABLE),
        code: 'BACKEND_UNAVAILABLE' satisfies ErrorCode,
        message: 'the workflow engine or the database does not answer; retry later',
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'something went wrong on our side; it is logged',
      });
    }
    return reply
      .status(status)
      .send({ statusCode: status, error: httpReason(status), code: error.code, message: error.message });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(ErrorStatus.NOT_FOUND).send({
      statusCode: ErrorStatus.NOT_FOUND,
      error: httpReason(ErrorStatus.NOT_FOUND),
      code: 'NOT_FOUND' satisfies ErrorCode,
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.addHook('preHandler', refuseUnstorableText);
  await app.register(httpMetricsPlugin, { operations: deps.operations });
  await app.register(operationsRoutes, { operations: deps.operations });

  await app.register(authRoutes);
  await app.register(ssoRoutes, { oidc: deps.oidc, ldap: deps.ldap });
  await app.register(staffRoutes, { staff: deps.staff });
  await app.register(auditLogRoutes, { staff: deps.staff });
  await app.register(ticketRoutes, {
    tickets: deps.tickets,
    reads: deps.reads,
    rules: deps.rules,
    articles: deps.articles,
    clientStatus: deps.clientStatus,
    statusPollMs: deps.statusPollMs,
    audit: deps.audit,
  });
  await app.register(queueRoutes, { queues: deps.queues });
  await app.register(clientRoutes, { reads: deps.reads, clients: deps.clients });
  await app.register(processRoutes, { processes: deps.processes });
  await app.register(figureRoutes, { figures: deps.figures });
  await app.register(escalationRoutes, { audit: deps.audit });
  await app.register(ruleRoutes, { rules: deps.rules });
  await app.register(catalogRoutes, { catalog: deps.catalog });
  await app.register(calendarRoutes, { catalog: deps.catalog });
  await app.register(olaRoutes, { catalog: deps.catalog });
  await app.register(overdueReasonRoutes, { catalog: deps.catalog });
  await app.register(noticeTemplateRoutes, { noticeTemplates: deps.noticeTemplates });
  if (deps.calls) await app.register(callRoutes, { calls: deps.calls });
  if (deps.sms)
    await app.register(smsRoutes, { sms: deps.sms, deliveries: deps.smsDeliveries, callbacks: deps.smsCallbacks });
  if (deps.telegramWebhook) await app.register(telegramRoutes, { telegram: deps.telegramWebhook });

  if (deps.webDir) {
    await app.register(fastifyStatic, { root: path.resolve(deps.webDir), index: ['index.html'] });
    app.get('/survey/:id', { schema: { hide: true } }, (_request, reply) => reply.sendFile('survey.html'));
    app.get('/status/:id', { schema: { hide: true } }, (_request, reply) => reply.sendFile('status.html'));
    // The diagram viewer's library, prebuilt by bpmn-js: no build step and no CDN.
    await app.register(fastifyStatic, { root: bpmnJsDist, prefix: '/vendor/bpmn-js/', decorateReply: false });
    // The dashboard's charts (Apache ECharts' prebuilt bundle), the same way.
    await app.register(fastifyStatic, { root: echartsDist, prefix: '/vendor/echarts/', decorateReply: false });
  }
  return app;
}

/**
 * Every page and answer: scripts only from the desk itself, never inline (a payload stored in a
 * ticket that reached a page as markup would still not run), no plugins, no framing, no foreign
 * form targets. Styles may be inline: bpmn-js draws with style attributes.
 */
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** Temporal's gRPC errors (ServiceError, UNAVAILABLE) and a database that is away (src/db/client.ts). */
function isBackendUnavailable(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  for (
    let cause = error as { name?: string; code?: unknown; cause?: unknown } | undefined;
    cause;
    cause = cause.cause as typeof cause
  ) {
    if (cause.name === 'ServiceError' || cause.code === 14) return true;
  }
  return false;
}

function httpReason(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      421: 'Misdirected Request',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  );
}
