/**
 * `npm run bench [-- <scenario>…] [--n N] [--open N] [--rates 5,10,20] …`: the ticket
 * pipeline measured beside a bare Temporal workflow, in one run. See bench/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { rootDir } from './env';
import { runBench } from './harness';
import { defaultOptions, scenarioNames, type BenchOptions, type ScenarioName } from './options';
import { stderrProgress } from './progress';
import { formatReport } from './table';

const usage = `usage: npm run bench -- [${scenarioNames.join('|')} …] [options]
  --n N              workflows per floor shape, throughput tickets, tickets per scaleout phase (${defaultOptions.n})
  --in-flight N      concurrent requests in closed-loop phases (${defaultOptions.inFlight})
  --rates A,B,C      open-loop rates for latency, tickets/s (${defaultOptions.rates.join(',')})
  --duration S       seconds per latency rate (${defaultOptions.durationS})
  --open N           tickets left waiting in queues (${defaultOptions.open})
  --accepts N        waiting tickets accepted afterwards (${defaultOptions.accepts})
  --rows N           tickets seeded for listing (${defaultOptions.listingRows})
  --requests N       requests per listing query (${defaultOptions.listingRequests})
  --figures-tickets N   tickets (with their events) seeded for figures (${defaultOptions.figuresTickets})
  --figures-requests N  requests per figures and audit query (${defaultOptions.figuresRequests})
  --auth-requests N  rounds of the auth scenario, one request of each kind (${defaultOptions.authRequests})
  --mails N          e-mails through the SMTP receiver in channels, half replies (${defaultOptions.mails})
  --updates N        Telegram updates through the webhook in channels (${defaultOptions.updates})
  --mail-rate R      e-mails a second in channels; 0: as fast as 10 SMTP connections go (${defaultOptions.mailRate})
  --warmup N         untimed warm-up per phase (${defaultOptions.warmup})
  --seed N           generator seed (${defaultOptions.seed})
  --pairs N          interleaved floor/pipeline pairs in pairs (${defaultOptions.pairs})
  --latency-pairs N  interleaved floor/ticket rounds per rate in latency (${defaultOptions.latencyPairs}; 5 for the figures)
  --cache N          the worker's workflow cache, workflows (the desk's own choice)
  --profile DIR      CPU profile of this process per timed phase of pairs, and of three year-by-operator figures, into DIR
  --keep             keep the run's databases
Uses TEMPORAL_ADDRESS and DATABASE_URL when set; otherwise starts both under .data/.`;

function parseArgs(argv: string[]): { scenarios: ScenarioName[]; options: BenchOptions; keep: boolean } {
  const options = { ...defaultOptions };
  const scenarios: ScenarioName[] = [];
  let keep = false;
  const numeric: Record<string, keyof BenchOptions> = {
    '--n': 'n',
    '--in-flight': 'inFlight',
    '--duration': 'durationS',
    '--open': 'open',
    '--accepts': 'accepts',
    '--rows': 'listingRows',
    '--requests': 'listingRequests',
    '--figures-tickets': 'figuresTickets',
    '--figures-requests': 'figuresRequests',
    '--auth-requests': 'authRequests',
    '--mails': 'mails',
    '--updates': 'updates',
    '--mail-rate': 'mailRate',
    '--warmup': 'warmup',
    '--seed': 'seed',
    '--pairs': 'pairs',
    '--latency-pairs': 'latencyPairs',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (arg === '--keep') keep = true;
    else if (arg === '--cache') options.workflowCache = positive(arg, value());
    else if (arg === '--profile') options.profileDir = path.resolve(value());
    else if (arg === '--rates') {
      options.rates = value()
        .split(',')
        .map((r) => positive(arg, r));
    } else if (arg in numeric) {
      (options[numeric[arg]!] as number) =
        arg === '--warmup' || arg === '--seed' || arg === '--mail-rate'
          ? nonNegative(arg, value())
          : positive(arg, value());
    } else if ((scenarioNames as readonly string[]).includes(arg)) scenarios.push(arg as ScenarioName);
    else fail(`unknown argument ${arg}`);
  }
  return { scenarios: scenarios.length > 0 ? scenarios : [...scenarioNames], options, keep };
}

const positive = (name: string, text: string) => {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) fail(`${name} must be a positive number, not "${text}"`);
  return n;
};
const nonNegative = (name: string, text: string) => {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number ≥ 0, not "${text}"`);
  return n;
};

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

async function main() {
  const { scenarios, options, keep } = parseArgs(process.argv.slice(2));
  // Exiting (rather than dying of the signal) lets the servers started here be stopped by their exit hooks.
  process.once('SIGINT', () => process.exit(130));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const report = await runBench(scenarios, options, {
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.join(rootDir, '.data', 'bench'),
    keepDatabases: keep,
    workerTuning: options.workflowCache ? { maxCachedWorkflows: options.workflowCache } : undefined,
    log,
    progress: stderrProgress,
  });
  const resultsDir = path.join(rootDir, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), ...report }, null, 2)}\n`,
  );
  process.stdout.write(`${formatReport(report)}\n\nraw figures: ${path.relative(process.cwd(), file)}\n`);
}

main().then(
  // The Temporal runtime keeps native handles; the run is over once the report is written.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
