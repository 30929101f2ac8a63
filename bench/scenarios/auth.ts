import { DEMO_PASSWORD } from '../../src/db/seed';
import type { BenchEnvironment } from '../env';
import { Outcomes } from '../http';
import { startScratchApiDesk } from '../scratch-desk';
import type { BenchOptions } from '../options';
import { elapsedMs, summarize, type LatencySummary } from '../stats';
import { round } from './floor';

/** One kind of request: what it is, its answers, and its latency. */
export interface AuthProbe {
  request: string;
  outcomes: ReturnType<Outcomes['toJSON']>;
  latencyMs: LatencySummary;
  /** Median minus the public route's median: what the check adds. */
  addedP50Ms: number;
  /** Median over the public route's median. */
  ratioP50: number;
}

export interface AuthResult {
  requests: number;
  probes: { publicRoute: AuthProbe; session: AuthProbe; token: AuthProbe; refused: AuthProbe };
}

const OPERATOR = 'sidorova';

/**
 * What authentication costs per request: the same client, one request at a time, to a public
 * route (no check) and to a route behind sign-in with a session cookie, with an API token and
 * with neither (refused), interleaved round-robin so that noise falls on all four alike. The
 * protected route is `GET /auth/session` (its handler only echoes the caller), the public one
 * `GET /health`: the difference of the medians is the check (a hash, one UPDATE that touches the
 * session or token, the account's row and groups).
 */
export async function runAuth(env: BenchEnvironment, options: BenchOptions): Promise<AuthResult> {
  const { desk, baseUrl } = await startScratchApiDesk(env, 'auth');
  try {
    const signIn = await fetch(`${baseUrl}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: OPERATOR, password: DEMO_PASSWORD }),
    });
    if (!signIn.ok) throw new Error(`${OPERATOR} could not sign in: ${signIn.status}`);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { token } = await desk.app.identity.issueStaffToken(OPERATOR, 'bench', ['read']);
    const kinds = {
      publicRoute: { request: 'GET /health, public', path: '/health', headers: {} },
      session: { request: 'GET /auth/session, session cookie', path: '/auth/session', headers: { cookie } },
      token: {
        request: 'GET /auth/session, API token',
        path: '/auth/session',
        headers: { authorization: `Bearer ${token}` },
      },
      refused: { request: 'GET /auth/session, no credential (401)', path: '/auth/session', headers: {} },
    } as const;
    type Kind = keyof typeof kinds;
    const names = Object.keys(kinds) as Kind[];
    const latencies = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
    const outcomes = Object.fromEntries(names.map((k) => [k, new Outcomes()])) as Record<Kind, Outcomes>;
    const send = async (kind: Kind) => {
      const response = await fetch(`${baseUrl}${kinds[kind].path}`, { headers: kinds[kind].headers });
      await response.arrayBuffer();
      return response.status;
    };
    for (let i = 0; i < options.warmup; i++) for (const kind of names) await send(kind);
    const progress = env.progress('auth', options.authRequests * names.length);
    for (let i = 0; i < options.authRequests; i++) {
      // A different kind first each round: none always follows the same one.
      for (let j = 0; j < names.length; j++) {
        const kind = names[(i + j) % names.length]!;
        const t = process.hrtime.bigint();
        const status = await send(kind);
        latencies[kind].push(elapsedMs(t));
        outcomes[kind].record(status);
        progress.tick();
      }
    }
    progress.done();
    const baseline = summarize(latencies.publicRoute);
    const probe = (kind: Kind): AuthProbe => {
      const latencyMs = summarize(latencies[kind]);
      return {
        request: kinds[kind].request,
        outcomes: outcomes[kind].toJSON(),
        latencyMs,
        addedP50Ms: round(latencyMs.p50 - baseline.p50, 2),
        ratioP50: round(latencyMs.p50 / baseline.p50, 2),
      };
    };
    return {
      requests: options.authRequests,
      probes: {
        publicRoute: probe('publicRoute'),
        session: probe('session'),
        token: probe('token'),
        refused: probe('refused'),
      },
    };
  } finally {
    await desk.stop();
  }
}
