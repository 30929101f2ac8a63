/** What a run measures and how much; every figure has a default for the full benchmark. */
export interface BenchOptions {
  /** Workflows per floor shape and tickets for the throughput scenario (and per phase of scaleout). */
  n: number;
  /** Requests or workflows in flight in the closed-loop scenarios. */
  inFlight: number;
  /** Open-loop arrival rates, tickets per second. */
  rates: number[];
  /** Seconds each latency rate runs. */
  durationS: number;
  /** Tickets left waiting in queues. */
  open: number;
  /** Waiting tickets accepted afterwards, to show they are alive. */
  accepts: number;
  /** Tickets seeded straight into PostgreSQL for the listing scenario. */
  listingRows: number;
  /** Requests per listing query. */
  listingRequests: number;
  /** Tickets seeded straight into PostgreSQL, with their events, for the figures scenario. */
  figuresTickets: number;
  /** Timed requests per figures and audit query. */
  figuresRequests: number;
  /** Rounds of the auth scenario: one request of each kind per round. */
  authRequests: number;
  /** E-mails through the SMTP receiver in the channels scenario, half of them replies. */
  mails: number;
  /** Telegram updates through the webhook in the channels scenario (some sent twice). */
  updates: number;
  /** E-mails a second the channels scenario sends at; 0: as fast as its SMTP connections go. */
  mailRate: number;
  /** Untimed warm-up before each timed phase. */
  warmup: number;
  seed: number;
  /** Interleaved floor/pipeline pairs in the `pairs` scenario. */
  pairs: number;
  /** Interleaved floor/ticket rounds per rate in the `latency` scenario. */
  latencyPairs: number;
  /** The worker's workflow cache (maxCachedWorkflows); otherwise the desk's own choice. */
  workflowCache?: number;
  /** Write a CPU profile of this process per timed phase of `pairs` into this folder. */
  profileDir?: string;
}

export const defaultOptions: BenchOptions = {
  n: 1000,
  inFlight: 50,
  rates: [5, 10, 20],
  durationS: 30,
  open: 10_000,
  accepts: 100,
  listingRows: 1_000_000,
  listingRequests: 200,
  figuresTickets: 1_000_000,
  figuresRequests: 20,
  authRequests: 2000,
  mails: 1000,
  updates: 1000,
  mailRate: 0,
  warmup: 20,
  seed: 42,
  pairs: 5,
  latencyPairs: 1,
};

export const scenarioNames = [
  'floor',
  'throughput',
  'pairs',
  'latency',
  'history',
  'open',
  'listing',
  'figures',
  'auth',
  'channels',
  'scaleout',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];
