import type { Capability, TicketNeed } from '../domain/access';
import type { QueueAccessLevel } from '../domain/enums';

/**
 * What each route needs, by method and URL pattern: a capability (its token scope follows from
 * it, src/domain/access.ts), or `public` with the reason anyone may call it; and for a route
 * whose `:id` is a ticket or a queue, the level of queue access it needs there. The access hooks
 * (src/api/auth.ts) decide every request from here; a route missing from this table stops the
 * app from starting. What only the ticket's state can tell (its assignee, its stage) the
 * workflow decides; blindness (who sees a ticket's contents) the services.
 */
export type RouteAccess =
  | {
      capability: Capability;
      /** The level needed on the queue of the ticket `:id` (src/domain/access.ts levelNeeded). */
      ticketQueue?: TicketNeed;
      /** The level needed on the queue `:id`. */
      queue?: QueueAccessLevel;
    }
  /** `identifies`: staff who send an API token are known to the route; others call it anonymously. */
  | {
      public: string;
      identifies?: true;
      /**
       * Why the route is held to WEBHOOK_RATE_LIMIT rather than PUBLIC_RATE_LIMIT: a channel's machine
       * posting with the desk's secret, for every client at once, not anyone's browser.
       */
      webhook?: string;
      /** What a GET route stores: it is held to PUBLIC_RATE_LIMIT like the public routes that write. */
      writes?: string;
    };

const read = { capability: 'read_ticket' } as const;
const act = { capability: 'act_on_ticket' } as const;
const analytics = { capability: 'see_analytics' } as const;
const catalog = { capability: 'manage_catalog' } as const;
const rules = { capability: 'manage_rules' } as const;
const signedIn = { capability: 'read_ticket' } as const;
const manageClients = { capability: 'manage_clients' } as const;

export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  'POST /tickets': {
    public:
      'ticket intake: clients and website forms file tickets without an account; staff who send an API token file it as the client’s',
    identifies: true,
  },
  'GET /tickets': read,
  'GET /tickets/:id': { ...read, ticketQueue: 'overview' },
  'GET /tickets/:id/events': { ...read, ticketQueue: 'overview' },
  'GET /tickets/:id/trail': analytics,
  'GET /tickets/:id/breaches': analytics,
  'GET /tickets/:id/articles': { ...read, ticketQueue: 'overview' },
  'POST /tickets/:id/accept': { ...act, ticketQueue: 'take' },
  'POST /tickets/:id/work': { ...act, ticketQueue: 'act' },
  'POST /tickets/:id/resolve': { ...act, ticketQueue: 'act' },
  'POST /tickets/:id/reassign': { ...act, ticketQueue: 'move' },
  'POST /tickets/:id/return': { ...act, ticketQueue: 'move' },
  'POST /tickets/:id/transfer': { ...act, ticketQueue: 'move' },
  'POST /tickets/:id/category': { ...act, ticketQueue: 'act' },
  'GET /tickets/:id/sla': { ...read, ticketQueue: 'overview' },
  'POST /tickets/:id/sla': { ...act, ticketQueue: 'manage' },
  'POST /tickets/:id/wait-for-client': { ...act, ticketQueue: 'act' },
  'POST /tickets/:id/resume': { ...act, ticketQueue: 'act' },
  'POST /tickets/:id/escalate': { ...act, ticketQueue: 'steer' },
  'POST /tickets/:id/reopen': {
    public: 'the client reopens with the survey token; staff are identified by their API token if they send one',
    identifies: true,
  },
  'POST /tickets/:id/complaint/resolve': act,
  'POST /tickets/:id/client-confirmation': {
    public:
      'the client confirms a ticket filed with their contact by the link sent there; staff are identified by their API token',
    identifies: true,
  },
  'POST /tickets/:id/survey': { public: 'the client answers the survey with the per-ticket token from the notice' },
  'GET /tickets/:id/status': { public: 'the client’s status page, opened with the status link’s per-ticket token' },
  'GET /tickets/:id/status/stream': { public: 'the status page’s live updates, with the same per-ticket token' },
  'POST /tickets/:id/status/reply': { public: 'the client writes from the status page, with the per-ticket token' },
  'POST /channels/cti/:token': {
    public: 'the PBX posts call events; the path carries the desk’s secret CTI_TOKEN (compared in constant time)',
    webhook: 'a PBX sends three events a call for every caller from one address; the secret keeps strangers out',
  },
  'POST /channels/zadarma/:token': {
    public:
      'Zadarma posts call notifications; the path carries the desk’s secret ZADARMA_TOKEN and each is signed with the account’s API secret (ZADARMA_SECRET), both compared in constant time',
    webhook:
      'Zadarma sends four notifications a call for every caller from its own addresses; the secrets keep strangers out',
  },
  'GET /channels/zadarma/:token': {
    public: 'Zadarma checks the notification URL with its zd_echo when it is set; the path carries ZADARMA_TOKEN',
    webhook: 'Zadarma’s own check, from the addresses its notifications come from',
  },
  'POST /channels/sms/:token': {
    public: 'the SMS provider posts the SMS it received; the path carries the desk’s secret SMS_TOKEN',
    webhook: 'a provider posts every client’s SMS from one address; the secret keeps strangers out',
  },
  'POST /channels/sms/:token/status': {
    public: 'the SMS provider reports where an SMS the desk sent is; the path carries the desk’s secret SMS_TOKEN',
    webhook: 'a provider reports every client’s SMS from one address; the secret keeps strangers out',
  },
  'GET /calls/stream': read,
  'GET /calls/:callId': read,
  'POST /calls/:callId/ticket': act,
  'POST /channels/telegram/:pathSecret': {
    public:
      'Telegram calls the bot’s webhook; the random path and the X-Telegram-Bot-Api-Secret-Token header (the desk’s secrets, given to Telegram by setWebhook) are its proof',
    webhook: 'Telegram posts every chat’s updates from its own addresses; the two secrets keep strangers out',
  },
  'GET /queues': read,
  'GET /queues/:id/tickets': { ...read, queue: 'overview' },
  'POST /queues/:id/next': { ...act, queue: 'take' },
  'POST /offers/:id/skip': act,
  'GET /clients': read,
  'POST /clients': manageClients,
  'GET /clients/:id': read,
  'PATCH /clients/:id': manageClients,
  'GET /clients/:id/tickets': read,
  'GET /clients/:id/timeline': read,
  'POST /clients/:id/contacts': act,
  'DELETE /clients/:id/contacts/:contactId': manageClients,
  'POST /clients/:id/devices': act,
  'DELETE /clients/:id/devices/:deviceId': act,
  'PUT /clients/:id/consents/:kind': act,
  'POST /clients/:id/merge': { capability: 'merge_clients' },
  'GET /clients/:id/audit': manageClients,
  'GET /rules': read,
  'POST /rules': rules,
  'PATCH /rules/:id': rules,
  'PUT /rules/order': rules,
  'POST /rules/dry-run': read,
  'POST /category-model/retrain': rules,
  'GET /processes': { public: 'the list of BPMN diagrams the desk runs: no ticket data' },
  'GET /processes/:processId/xml': { public: 'a BPMN diagram as drawn: no ticket data' },
  'GET /processes/:processId/statistics': analytics,
  'GET /processes/:processId/elements/:elementId/tickets': analytics,
  'GET /figures': analytics,
  'GET /escalations': analytics,
  'GET /figures/definitions': { public: 'the figures’ published definitions (the glossary): no data' },
  'GET /figures/tickets': analytics,
  'GET /figures.csv': analytics,
  'GET /figures/stream': analytics,
  'GET /catalog/services': read,
  'GET /catalog/services/:code': read,
  'POST /catalog/services': catalog,
  'PATCH /catalog/services/:code': catalog,
  'DELETE /catalog/services/:code': catalog,
  'GET /catalog/services/:code/sla': read,
  'PUT /catalog/services/:code/sla/:clientCategory': catalog,
  'GET /calendars': read,
  'PUT /calendars/:code': catalog,
  'GET /ola': read,
  'PUT /ola/:line': catalog,
  'GET /overdue-reasons': read,
  'PUT /overdue-reasons/:code': catalog,
  'GET /notice-templates': { capability: 'manage_notices' },
  'PUT /notice-templates/:purpose': { capability: 'manage_notices' },
  'DELETE /notice-templates/:purpose': { capability: 'manage_notices' },
  'POST /auth/sign-in': { public: 'signing in is how a person gets a session' },
  'POST /auth/sign-out': { public: 'signing out ends the session the cookie names, if any' },
  'GET /auth/methods': {
    public: 'the sign-in page asks which ways in are configured before anyone is signed in: names only, no secrets',
  },
  'GET /auth/oidc/start': {
    public: 'single sign-on starts before there is a session: a redirect to the configured OpenID provider',
    writes: 'the sign-in under way (state, nonce, PKCE verifier) until the provider sends the person back',
  },
  'GET /auth/oidc/callback': {
    public:
      'the OpenID provider sends the person back here; the state (this browser’s cookie, used once), PKCE and the ID token are its proof',
  },
  'POST /auth/ldap/sign-in': {
    public: 'signing in with the directory’s password is how a person gets a session (limited like POST /auth/sign-in)',
  },
  'GET /auth/session': signedIn,
  'POST /auth/sign-out-everywhere': signedIn,
  'POST /auth/password': signedIn,
  'GET /auth/tokens': signedIn,
  'POST /auth/tokens': signedIn,
  'DELETE /auth/tokens/:id': signedIn,
  'GET /staff': { capability: 'manage_staff' },
  'POST /staff': { capability: 'manage_staff' },
  'PATCH /staff/:operatorId': { capability: 'manage_staff' },
  'PUT /staff/:operatorId/enabled': { capability: 'manage_staff' },
  'GET /staff/queue-access': { capability: 'manage_staff' },
  'PUT /staff/groups/:id/queue-access': { capability: 'manage_staff' },
  'POST /staff/:operatorId/password': { capability: 'manage_staff' },
  'GET /audit-log': { capability: 'manage_staff' },
  'GET /health': { public: 'liveness for load balancers and process managers' },
  'GET /health/live': { public: 'liveness probe: the process answers' },
  'GET /health/ready': { public: 'readiness probe: names which backend is down, never an address or secret' },
  'GET /metrics': {
    public: 'read by a Prometheus scraper: volumes and latencies, no ticket contents; keep it on the private network',
  },
  'GET /docs': { public: 'the OpenAPI description of the API: no data' },
  'GET /docs/*': { public: 'the OpenAPI description and Swagger UI assets: no data' },
  'GET /docs/json': { public: 'the OpenAPI document: no data' },
  'GET /docs/yaml': { public: 'the OpenAPI document: no data' },
  'GET /docs/static/*': { public: 'Swagger UI assets' },
  'GET /docs/static/index.html': { public: 'Swagger UI' },
  'GET /docs/static/swagger-initializer.js': { public: 'Swagger UI' },
  'GET /docs/': { public: 'Swagger UI' },
  'GET /survey/:id': { public: 'the survey page a client opens from the notice (the token is checked on answer)' },
  'GET /status/:id': { public: 'the status page a client opens from a notice (the token is checked by the API)' },
  'GET /*': { public: 'the web pages and their scripts: data comes from the API, which checks access' },
  'GET /vendor/bpmn-js/*': { public: 'the diagram library the pages load' },
  'GET /vendor/echarts/*': { public: 'the charting library the dashboard loads' },
};

/** The table's key for a request or a route: HEAD is answered as GET. */
export const accessKey = (method: string, url: string): string => `${method === 'HEAD' ? 'GET' : method} ${url}`;
