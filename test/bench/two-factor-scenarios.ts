/**
 * Scenarios for the second-factor routes. TOTP codes are single-use per time step, so the 2FA login
 * draws on a pool of users, each good for the steps still inside the drift window; SMS logins read
 * their codes from the outbox. All preparation (logins, sends) happens outside the counted request.
 */
import { readFile } from 'node:fs/promises';
import { generate } from 'otplib';
import { getOrg } from '../../shared/identity/users';
import { bootstrapUser } from '../../shared/identity/bootstrap';
import type { BenchContext, Scenario } from './scenarios';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function api(ctx: BenchContext, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(ctx.baseUrl + path, {
    method,
    headers: { ...(token && bearer(token)), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const step = () => Math.floor(Date.now() / 30_000);

interface TotpUser {
  email: string;
  password: string;
  secret: string;
  lastStep: number;
}

const totpPool: TotpUser[] = [];
let orgName: string | undefined;

async function newMember(ctx: BenchContext, label: string) {
  orgName ??= (await getOrg(ctx.admin.orgId))!.name;
  return bootstrapUser(orgName, `${ctx.unique(label)}@example.test`, 'member');
}

async function enrolTotp(ctx: BenchContext): Promise<TotpUser> {
  const user = await newMember(ctx, 'bench-totp');
  const { accessToken } = await ctx.login(user);
  const { link } = await api(ctx, 'GET', '/2fa/generate-qr', accessToken);
  const secret = new URL(link).searchParams.get('secret')!;
  // Enrol with the previous step's code (inside the drift window), leaving this step and the next for
  // logins; but it turns two steps old at the next boundary, so within 5 s of one, this step's code.
  const at = Date.now() % 30_000 < 25_000 ? step() - 1 : step();
  await api(ctx, 'POST', '/2fa/enable-two-factor-auth', accessToken, { code: await generate({ secret, epoch: at * 30 }) });
  return { email: user.email, password: user.password, secret, lastStep: at };
}

/** The first step a pool user has not used, within one step of now (steps only move forward). */
const nextStepOf = (user: TotpUser) => Math.max(user.lastStep + 1, step() - 1);

/** A pool user with a step left in the drift window. */
function nextTotpUser(): TotpUser {
  const user = totpPool.find((u) => nextStepOf(u) <= step() + 1);
  if (!user) throw new Error('the TOTP pool is used up for this time step: enlarge it');
  return user;
}

/**
 * The user's code for its next unused step, taken when the request is about to go: the password
 * login before it takes most of a second, and a code chosen before could leave the drift window.
 */
async function claimTotpCode(user: TotpUser): Promise<string> {
  const s = nextStepOf(user);
  user.lastStep = s;
  return generate({ secret: user.secret, epoch: s * 30 });
}

async function pendingToken(ctx: BenchContext, user: { email: string; password: string }): Promise<string> {
  return (await api(ctx, 'POST', '/api/auth/login', undefined, { email: user.email, password: user.password })).pendingToken;
}

interface SmsUser {
  email: string;
  password: string;
  e164: string;
  token: string;
}
const smsPool: SmsUser[] = [];
let smsTurn = 0;

async function lastCode(e164: string): Promise<string> {
  const lines = (await readFile(process.env.SMS_OUTBOX_FILE!, 'utf8')).trim().split('\n');
  const message = lines.map((l) => JSON.parse(l) as { to: string; message: string }).filter((m) => m.to === e164).at(-1)!.message;
  return /\b(\d{6})\b/.exec(message)![1]!;
}

async function smsUser(ctx: BenchContext, i: number): Promise<SmsUser> {
  const user = await newMember(ctx, 'bench-sms');
  const { accessToken } = await ctx.login(user);
  const national = `26${String(100000 + i * 7919).slice(-6)}`;
  await api(ctx, 'PATCH', '/api/two-factor', accessToken, { method: 'sms', phone_prefix: 45, phone: national });
  const e164 = `+45${national}`;
  await api(ctx, 'POST', '/api/two-factor/send-verification', accessToken);
  await api(ctx, 'POST', '/api/two-factor/verify', accessToken, { key: await lastCode(e164) });
  return { email: user.email, password: user.password, e164, token: accessToken };
}

/** Both SMS scenarios share the pool; the org must allow SMS first. */
async function smsSetup(ctx: BenchContext) {
  if (smsPool.length) return;
  await api(ctx, 'POST', '/api/settings/twofactor/sms', ctx.tokens.accessToken);
  await new Promise((r) => setTimeout(r, 5_100)); // the policy is cached for up to 5 s per process
  for (let i = 0; i < 3; i++) smsPool.push(await smsUser(ctx, i));
}
const nextSmsUser = () => smsPool[smsTurn++ % smsPool.length]!;

export const twoFactorScenarios: Scenario[] = [
  {
    name: '2FA login with TOTP',
    route: 'POST /2fa/authenticate',
    async setup(ctx) {
      for (let i = 0; i < 20; i++) totpPool.push(await enrolTotp(ctx));
    },
    async request(ctx) {
      const user = nextTotpUser();
      const token = await pendingToken(ctx, user);
      return { method: 'POST', path: '/2fa/authenticate', headers: bearer(token), body: { code: await claimTotpCode(user) } };
    },
    // the user's partition (Query), the race gate (the code's step) as one conditional update, and
    // one transaction: the session (it spends the pending token) and the audit event
    maxCalls: 3,
    latency: { iterations: 30, maxSeconds: 25 },
  },
  {
    name: 'SMS send (login)',
    route: 'POST /api/two-factor/send-verification',
    setup: smsSetup,
    async request(ctx) {
      const user = nextSmsUser();
      return { method: 'POST', path: '/api/two-factor/send-verification', headers: bearer(await pendingToken(ctx, user)) };
    },
    status: 204,
    // the user's partition, every rate limit in one transaction, the code
    maxCalls: 3,
  },
  {
    name: 'SMS verify (login)',
    route: 'POST /api/two-factor/verify',
    setup: smsSetup,
    async request(ctx) {
      const user = nextSmsUser();
      const token = await pendingToken(ctx, user);
      await new Promise((r) => setTimeout(r, 1_100)); // the benchmark's relaxed per-user send interval
      await api(ctx, 'POST', '/api/two-factor/send-verification', token);
      return { method: 'POST', path: '/api/two-factor/verify', headers: bearer(token), body: { key: await lastCode(user.e164) } };
    },
    maxCalls: 3,
  },
  {
    name: 'two-factor settings (Ziik)',
    route: 'GET /api/two-factor',
    request: (ctx) => ({ method: 'GET', path: '/api/two-factor', headers: bearer(ctx.tokens.accessToken) }),
    maxCalls: 2, // + the session's proof
    latency: true,
  },
  {
    name: 'org policy (Ziik)',
    route: 'GET /api/settings/twofactor',
    request: (ctx) => ({ method: 'GET', path: '/api/settings/twofactor', headers: bearer(ctx.tokens.accessToken) }),
    maxCalls: 2, // + the session's proof
    latency: true,
  },
  {
    name: 'login policy factors (Zitadel _search)',
    route: 'POST /management/v1/policies/login/second_factors/_search',
    request: (ctx) => ({ method: 'POST', path: '/management/v1/policies/login/second_factors/_search', headers: bearer(ctx.tokens.accessToken), body: {} }),
    // the policy, and the session (a POST proves its session is live, though this one writes nothing)
    maxCalls: 2,
  },
  {
    name: 'login policy factors (Zitadel RPC, Connect JSON)',
    route: 'POST /zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors',
    request: (ctx) => ({
      method: 'POST',
      path: '/zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors',
      headers: bearer(ctx.tokens.accessToken),
      body: {},
    }),
    // as _search: the policy, and the session a POST proves
    maxCalls: 2,
  },
  {
    name: 'change policy settings',
    route: 'PATCH /api/settings/twofactor',
    request: (ctx) => ({
      method: 'PATCH',
      path: '/api/settings/twofactor',
      headers: bearer(ctx.tokens.accessToken),
      body: { gracePeriodSeconds: Math.floor(Math.random() * 1e6) },
    }),
    status: 204,
    // a consistent read and one conditional transaction with the audit event
    maxCalls: 2,
  },
];
