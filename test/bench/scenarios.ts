/**
 * What the benchmark sends: one entry per exercised request. Adding a route to the benchmark is
 * adding an entry here. For each scenario the runner
 *   1. runs `setup` once (not counted),
 *   2. resets the process-wide warm caches (signing key, data key, policy) and sends one request:
 *      the cold-start DynamoDB calls,
 *   3. sends one more request: the warm DynamoDB calls, checked against `maxCalls`,
 *   4. with `latency`, sends a bounded sequential loop and reports p50/p99 (ratio to GET /health).
 * `request` may be async and do its own preparation (a login for a fresh session, say): DynamoDB
 * calls are counted only from when the request is sent until its response has been read.
 */
import type { RouteKey } from '../../functions/routes';
import type { BootstrappedUser } from '../../shared/identity/bootstrap';
import { twoFactorScenarios } from './two-factor-scenarios';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface BenchContext {
  baseUrl: string;
  /** An org admin made with bootstrapUser (no second factor, so login answers full tokens). */
  admin: BootstrappedUser;
  /** The admin's current tokens. Refresh tokens rotate on every use: scenarios that refresh store the new one here. */
  tokens: Tokens;
  /** Logs a user in over HTTP (not counted when called from `setup` or `request`). */
  login(user?: { email: string; password: string }): Promise<Tokens>;
  /** A unique label for test data, such as new users' emails. */
  unique(prefix: string): string;
}

export interface BenchRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers?: Record<string, string>;
  /** JSON-encoded when not a string. */
  body?: unknown;
}

export interface Scenario {
  name: string;
  /** The route-table entry this exercises; the runner checks that `request` really lands on it. */
  route: RouteKey;
  setup?(ctx: BenchContext): Promise<void> | void;
  request(ctx: BenchContext): BenchRequest | Promise<BenchRequest>;
  /** Expected status (default 200); anything else fails the benchmark. */
  status?: number;
  /** Sees each successful response (parsed JSON body): chain rotated tokens here. */
  onResponse?(ctx: BenchContext, body: any): void;
  /** Most DynamoDB calls one warm request may make; more fails the benchmark. */
  maxCalls?: number;
  /**
   * Measure p50/p99 over a sequential loop (default: `iterations` 200, stopping early after
   * `maxSeconds` 25). `alternateWith`: a request of that scenario before each of this one's, both
   * timed (its row gets its times): two requests that must take as long are compared under the
   * same load, not in blocks a minute apart.
   */
  latency?: boolean | { iterations?: number; maxSeconds?: number; alternateWith?: Scenario };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const forgotKnown: Scenario = {
  name: 'forgot password: known email',
  route: 'POST /api/auth/password/forgot',
  request: (ctx) => ({ method: 'POST', path: '/api/auth/password/forgot', body: { email: ctx.admin.email } }),
  status: 202,
  // its rate limits' transaction, two reads, the link's conditional write, and the email's limits
  // (a known address only: an unknown one waits as long instead, and timing is what a client sees).
  maxCalls: 5,
};

export const scenarios: Scenario[] = [
  {
    name: 'health',
    route: 'GET /health',
    request: () => ({ method: 'GET', path: '/health' }),
    maxCalls: 1,
    latency: true,
  },
  {
    name: 'openapi',
    route: 'GET /openapi.json',
    request: () => ({ method: 'GET', path: '/openapi.json' }),
    maxCalls: 0,
  },
  {
    name: 'login (password, no 2FA)',
    route: 'POST /api/auth/login',
    request: (ctx) => ({ method: 'POST', path: '/api/auth/login', body: { email: ctx.admin.email, password: ctx.admin.password } }),
    // rate-limit check (BatchGet), email → id, the user's partition (Query), policy (cached 5 s), session Put
    maxCalls: 5,
    latency: true,
  },
  {
    // With the next scenario: an unknown email must cost what a wrong password costs (no account oracle).
    name: 'login: wrong password',
    route: 'POST /api/auth/login',
    request: (ctx) => ({ method: 'POST', path: '/api/auth/login', body: { email: ctx.admin.email, password: 'not-the-password' } }),
    status: 401,
    maxCalls: 5,
    latency: { iterations: 30, maxSeconds: 20 },
  },
  {
    name: 'login: unknown email',
    route: 'POST /api/auth/login',
    request: (ctx) => ({ method: 'POST', path: '/api/auth/login', body: { email: `${ctx.unique('nobody')}@example.test`, password: 'not-the-password' } }),
    status: 401,
    maxCalls: 5,
    latency: { iterations: 30, maxSeconds: 20 },
  },
  forgotKnown,
  {
    // Timed alternately with forgotKnown, whose row gets its times: an unknown email must take what
    // a known one takes (no account oracle): the same calls, then a wait in place of the email.
    name: 'forgot password: unknown email',
    route: 'POST /api/auth/password/forgot',
    request: (ctx) => ({ method: 'POST', path: '/api/auth/password/forgot', body: { email: `${ctx.unique('nobody')}@example.test` } }),
    status: 202,
    maxCalls: 4,
    // 200 pairs (about 8 s): at 40 the two p50s moved by a tenth between runs on a shared machine.
    latency: { iterations: 200, maxSeconds: 20, alternateWith: forgotKnown },
  },
  {
    name: 'refresh (rotating)',
    route: 'POST /api/auth/refresh',
    request: (ctx) => ({ method: 'POST', path: '/api/auth/refresh', body: { refreshToken: ctx.tokens.refreshToken } }),
    onResponse: (ctx, body) => {
      ctx.tokens = { accessToken: body.accessToken, refreshToken: body.refreshToken };
    },
    maxCalls: 2,
    latency: true,
  },
  {
    name: 'jwks',
    route: 'GET /.well-known/jwks.json',
    request: () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
    maxCalls: 1,
    latency: true,
  },
  {
    name: 'get user (self)',
    route: 'GET /api/users/{id}',
    request: (ctx) => ({ method: 'GET', path: `/api/users/${ctx.admin.userId}`, headers: bearer(ctx.tokens.accessToken) }),
    // The session's proof (a deactivated user's token stops at once, GETs included) + the user.
    maxCalls: 2,
    latency: true,
  },
  {
    name: 'create user (admin)',
    route: 'POST /api/users',
    request: (ctx) => ({
      method: 'POST',
      path: '/api/users',
      headers: bearer(ctx.tokens.accessToken),
      body: { email: `${ctx.unique('bench-member')}@example.test`, role: 'member' },
    }),
    status: 201,
    // id counter + one transaction (session proof, org check, email uniqueness, user, invitation link),
    // then the invitation email: the org's name and the mail limits' transaction.
    maxCalls: 4,
  },
  {
    name: 'logout (fresh session)',
    route: 'POST /api/auth/logout',
    // A session of its own, so the admin's chained refresh token stays valid.
    request: async (ctx) => ({ method: 'POST', path: '/api/auth/logout', headers: bearer((await ctx.login()).accessToken) }),
    status: 204,
    maxCalls: 1,
  },
  ...twoFactorScenarios,
];
