/**
 * Security events end to end: requests to the local server write audit events; DynamoDB Local's
 * stream carries them to the follower (the pipe's stand-in), which appends them to the event file;
 * each event there is checked against the JSON Schema. Enrolling TOTP, a 2FA login, a lockout and
 * an impersonation each produce theirs.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SecurityEvent } from '../../infra/security-events';
import { testClock } from '../support/clock';
import { newOrg, newUser } from '../support/fixtures';
import { readSecurityEvents, securityEventsWhen, validateSecurityEvent } from '../support/security-events';
import { call, startTestServer, type TestServer } from '../support/server';
import { secretOf, totpCode } from '../support/two-factor';

const file = join(process.env.TEST_DATA_DIR ?? tmpdir(), `security-events-${randomUUID()}.jsonl`);
let server: TestServer;
let clock: ReturnType<typeof testClock>;
beforeAll(async () => {
  server = await startTestServer({ securityEvents: file });
});
afterAll(() => server.close());
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const signIn = async (user: { email: string; password: string }) =>
  (await call(server.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).body;

/** Enrols TOTP over HTTP as a client would; answers the secret. */
async function enrolTotp(token: string): Promise<string> {
  const qr = await call(server.url, 'GET', '/2fa/generate-qr', { token });
  expect(qr.status).toBe(200);
  const secret = secretOf(qr.body.link);
  expect((await call(server.url, 'POST', '/2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secret) } })).status).toBe(200);
  return secret;
}

/** The one event of this org and action, once the follower has written it; valid by the schema. */
async function eventOf(orgId: number, action: string): Promise<SecurityEvent & { record: Record<string, unknown> }> {
  const found = await securityEventsWhen(file, (e) => e.detail.orgId === String(orgId) && e['detail-type'] === action);
  expect(found).toHaveLength(1);
  const event = found[0]!;
  expect(validateSecurityEvent(event) ? [] : validateSecurityEvent.errors).toEqual([]);
  return { ...event, record: unmarshall(event.detail.record as never) };
}

describe('security events from the local stream', () => {
  it('enrolling TOTP produces factor.enrolled with the method, and no secret', async () => {
    const { orgId, member } = await newOrg();
    const secret = await enrolTotp((await signIn(member)).accessToken);
    const event = await eventOf(orgId, 'factor.enrolled');
    expect(event).toMatchObject({ source: 'twofactor.audit', detail: { version: 1, action: 'factor.enrolled' } });
    expect(event.record).toMatchObject({ orgId, actorId: member.userId, details: { method: 'totp' } });
    expect(JSON.stringify(event)).not.toContain(secret);
  });

  it('a lockout produces mfa.locked_out with the failure count', async () => {
    const { orgId, member } = await newOrg();
    await enrolTotp((await signIn(member)).accessToken);
    clock.nextStep();
    for (let i = 1; i <= 5; i++) {
      const attempt = await call(server.url, 'POST', '/2fa/authenticate', { token: (await signIn(member)).pendingToken, body: { code: '000000' } });
      expect(attempt.status).toBe(i < 5 ? 422 : 429);
    }
    const event = await eventOf(orgId, 'mfa.locked_out');
    expect(event.record).toMatchObject({ orgId, actorId: member.userId, details: { failures: 5 } });
  });

  it('a 2FA login produces login.two_factor naming the session it started', async () => {
    const { orgId, member } = await newOrg();
    const secret = await enrolTotp((await signIn(member)).accessToken);
    clock.nextStep();
    const tokens = await call(server.url, 'POST', '/2fa/authenticate', { token: (await signIn(member)).pendingToken, body: { code: await totpCode(secret) } });
    expect(tokens.status).toBe(200);
    const sid = JSON.parse(Buffer.from(tokens.body.accessToken.split('.')[1], 'base64url').toString()).sid;
    const event = await eventOf(orgId, 'login.two_factor');
    expect(event.record).toMatchObject({ orgId, actorId: member.userId, targetUserId: member.userId, details: { method: 'totp', sid } });
  });

  it('an impersonation produces impersonation.started in the target’s org, naming the support user as actor', async () => {
    const { orgId, name, member } = await newOrg();
    const support = await newUser(`Support desk ${name}`, 'support');
    const secret = await enrolTotp((await signIn(support)).accessToken);
    clock.nextStep();
    const pending = (await signIn(support)).pendingToken;
    const tokens = await call(server.url, 'POST', '/2fa/authenticate', { token: pending, body: { code: await totpCode(secret) } });
    expect(tokens.status).toBe(200);
    clock.nextStep();
    const impersonated = await call(server.url, 'POST', '/2fa/impersonate', {
      token: tokens.body.accessToken,
      body: { userId: member.userId, teamId: orgId, code: await totpCode(secret) },
    });
    expect(impersonated.status).toBe(200);
    const event = await eventOf(orgId, 'impersonation.started');
    expect(event.record).toMatchObject({ orgId, targetUserId: member.userId, actorId: support.userId });
  });

  it('every event in the file is valid by the schema', async () => {
    const events = await readSecurityEvents(file);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(validateSecurityEvent(event) ? [] : validateSecurityEvent.errors).toEqual([]);
  });
});
