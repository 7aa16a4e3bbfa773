/**
 * Nothing half-done: the flows (password login, 2FA login by TOTP, SMS, security key and recovery
 * code, enrolment of each, policy changes, impersonation, refresh) under 10 % injected DynamoDB
 * faults (throttling, throughput, 500s, transaction contention) and 1 % stalled connections. Every
 * answer is 2xx, 4xx or 503, never a 500; the client retries a 503 as told. Afterwards the
 * invariant check over the whole (own) table finds nothing inconsistent.
 *
 * Ambiguous outcomes are expected and safe: a 503 after the write committed (the stall came after
 * DynamoDB applied it) leaves e.g. a TOTP step consumed, so the retry gets 400 and the user waits
 * for the next code (here: the clock moves to the next step).
 */
import { installFaults, type Faults } from '../../infra/local/faults';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import type { RouteKey } from '../../functions/routes';
import { testClock } from '../support/clock';
import { newOrg, newUser, type TestOrg } from '../support/fixtures';
import { checkInvariants } from '../support/invariants';
import { invoke, type InvokeOptions, type InvokeResult } from '../support/invoke';
import { useOwnTable } from '../support/own-table';
import { lastSms, randomDanishMobile } from '../support/sms';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { secretOf, totpCode } from '../support/two-factor';

// The real budgets and timeouts ×3: DynamoDB Local on a shared machine sometimes takes a second.
process.env.TIMEOUT_SCALE = '3';
useOwnTable('fault-flows');

const statuses = new Map<number, number>();
const unexpected: string[] = [];
let clock: ReturnType<typeof testClock>;
let faults: Faults;

/** One request as a client makes it: a 503 is retried (Retry-After honoured in spirit: briefly). */
async function call(key: RouteKey, options: InvokeOptions = {}, accept: (r: InvokeResult) => boolean = () => true): Promise<InvokeResult> {
  for (let attempt = 1; ; attempt++) {
    const response = await invoke(key, options);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500 && response.status !== 503) unexpected.push(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
    if (response.status === 503) expect(response.headers['Retry-After']).toMatch(/^\d+$/);
    if (response.status !== 503 || attempt >= 8) {
      if (!accept(response)) unexpected.push(`${key}: unexpected ${response.status} ${JSON.stringify(response.body)}`);
      return response;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Repeats a whole step (such as a code that a 503 may have consumed) until it succeeds. */
async function until(step: () => Promise<InvokeResult>, ok = (r: InvokeResult) => r.status < 300, tries = 6): Promise<InvokeResult | undefined> {
  for (let i = 0; i < tries; i++) {
    const response = await step();
    if (ok(response)) return response;
    clock.nextStep(); // a consumed TOTP step: wait for the next code
  }
  return undefined;
}

async function password(user: { email: string; password: string }) {
  return until(() => call('POST /api/auth/login', { body: { email: user.email, password: user.password } }));
}

async function fullToken(user: { email: string; password: string }, secret?: string): Promise<string | undefined> {
  const first = await password(user);
  if (!first) return undefined;
  if (first.body.accessToken) return first.body.accessToken;
  if (!secret) return undefined;
  const done = await until(async () => {
    const pending = await password(user);
    return pending ? call('POST /2fa/authenticate', { token: pending.body.pendingToken, body: { code: await totpCode(secret) } }) : ({ status: 599 } as InvokeResult);
  });
  return done?.body.accessToken;
}

async function totpFlow(user: { email: string; password: string }): Promise<string | undefined> {
  const token = await fullToken(user);
  if (!token) return undefined;
  const qr = await call('GET /2fa/generate-qr', { token });
  if (qr.status !== 200) return undefined;
  const secret = secretOf(qr.body.link);
  const enabled = await until(async () => call('POST /2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secret) } }));
  if (!enabled) return undefined;
  clock.nextStep();
  await fullToken(user, secret); // the 2FA login by TOTP
  return secret;
}

async function recoveryFlow(user: { email: string; password: string }, secret: string) {
  clock.nextStep();
  const token = await fullToken(user, secret);
  if (!token) return;
  const generated = await call('POST /api/two-factor/recovery-codes', { token, body: {} });
  if (generated.status !== 200) return;
  const codes = [...(generated.body.data.codes as string[])];
  await until(async () => {
    const pending = await password(user);
    return pending ? call('POST /2fa/authenticate', { token: pending.body.pendingToken, body: { code: codes.shift() } }) : ({ status: 599 } as InvokeResult);
  });
}

async function refreshFlow(user: { email: string; password: string }, secret: string) {
  clock.nextStep();
  const first = await password(user);
  if (!first) return;
  const done = await call('POST /2fa/authenticate', { token: first.body.pendingToken, body: { code: await totpCode(secret) } });
  if (done.status !== 200) return;
  let refreshToken = done.body.refreshToken as string;
  for (let i = 0; i < 3; i++) {
    const refreshed = await call('POST /api/auth/refresh', { body: { refreshToken } });
    if (refreshed.status !== 200) return; // a 503 after the rotation committed: the reuse interval covers a retry, else sign in again
    refreshToken = refreshed.body.refreshToken;
  }
}

async function keyFlow(user: { email: string; password: string }) {
  const token = await fullToken(user);
  if (!token) return;
  const key = new SoftAuthenticator('http://localhost:3000');
  const options = await call('POST /api/two-factor/webauthn/register/options', { token });
  if (options.status !== 200) return;
  const registered = await call('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(options.body), name: 'key' } });
  if (registered.status !== 201) return;
  await until(async () => {
    const pending = await password(user);
    if (!pending) return { status: 599 } as InvokeResult;
    const challenge = await call('POST /2fa/webauthn/options', { token: pending.body.pendingToken });
    if (challenge.status !== 200) return challenge;
    return call('POST /2fa/authenticate', { token: pending.body.pendingToken, body: { webauthn: key.authenticate(challenge.body) } });
  });
}

async function smsFlow(user: { email: string; password: string }) {
  const token = await fullToken(user);
  if (!token) return;
  const phone = randomDanishMobile();
  if ((await call('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone } })).status !== 204) return;
  const verified = await until(async () => {
    clock.advance(31); // past the per-user send interval
    const sent = await call('POST /api/two-factor/send-verification', { token });
    if (sent.status !== 204) return sent;
    return call('POST /api/two-factor/verify', { token, body: { key: (await lastSms(`+45${phone}`))!.code } });
  });
  if (!verified) return;
  await until(async () => {
    clock.advance(31);
    const pending = await password(user);
    if (!pending) return { status: 599 } as InvokeResult;
    const sent = await call('POST /api/two-factor/send-verification', { token: pending.body.pendingToken });
    if (sent.status !== 204) return sent;
    return call('POST /2fa/authenticate', { token: pending.body.pendingToken, body: { code: (await lastSms(`+45${phone}`))!.code } });
  });
}

async function policyFlow(org: TestOrg, adminToken: string) {
  for (const [method, on] of [['sms', true], ['sms', false], ['sms', true]] as const) {
    await call(on ? 'POST /api/settings/twofactor/{method}' : 'DELETE /api/settings/twofactor/{method}', { token: adminToken, params: { method } });
    await call(on ? 'POST /management/v1/policies/login/second_factors' : 'DELETE /management/v1/policies/login/second_factors/{type}', {
      token: adminToken,
      ...(on ? { body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } } : { params: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } }),
    });
    forgetCachedPolicy(org.orgId);
  }
}

async function impersonationFlow(org: TestOrg, support: { email: string; password: string }, secret: string) {
  clock.nextStep();
  const token = await fullToken(support, secret);
  if (!token) return;
  clock.nextStep();
  const started = await until(async () =>
    call('POST /2fa/impersonate', { token, body: { userId: org.member.userId, teamId: org.orgId, code: await totpCode(secret) } }),
  );
  if (started) await call('POST /2fa/desimpersonation', { token: started.body.accessToken });
}

beforeAll(() => {
  clock = testClock();
});
afterAll(async () => {
  clock.restore();
  await faults?.uninstall();
});

it('10 % DynamoDB faults and 1 % stalls: only 2xx, 4xx and 503, and the table stays consistent', async () => {
  const orgs = await Promise.all([newOrg(), newOrg()]);
  const supports = await Promise.all(orgs.map((o) => newUser(`Support ${o.name}`, 'support')));
  const extra = await Promise.all(orgs.map((o) => Promise.all([newUser(o.name), newUser(o.name), newUser(o.name)])));
  faults = await installFaults({
    rate: 0.1,
    stallRate: 0.01,
    kinds: ['throttling', 'throughput', 'internal', 'contention'],
    services: ['dynamodb'],
    seed: 2020,
  });

  for (const [i, org] of orgs.entries()) {
    const adminToken = await fullToken(org.admin);
    if (adminToken) await policyFlow(org, adminToken);
    const [a, b, c] = extra[i]!;
    const secret = await totpFlow(a!);
    if (secret) {
      await recoveryFlow(a!, secret);
      await refreshFlow(a!, secret);
    }
    await keyFlow(b!);
    await smsFlow(c!);
    const supportSecret = await totpFlow(supports[i]!);
    if (supportSecret) await impersonationFlow(org, supports[i]!, supportSecret);
  }

  faults.enabled = false;
  const injected = faults.stats.injected;
  expect(unexpected).toEqual([]);
  expect(Object.values(injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
  expect(await checkInvariants(db(), tableName())).toEqual([]);
}, 600_000);
