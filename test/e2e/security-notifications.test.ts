/**
 * Security notifications end to end, as `npm start` runs them: requests to the local server write
 * audit events; DynamoDB Local's stream carries them to the follower (the pipe's stand-in), which
 * hands each event to the notifier (the EventBridge rule's target in AWS); the emails land in the
 * outbox. A failing email service leaves the change made and the follower running.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler as notify } from '../../functions/events/security-notification';
import { setEmailSender, type EmailMessage } from '../../shared/adapters/email-sender';
import { testClock } from '../support/clock';
import { emailsTo } from '../support/email';
import { newOrg } from '../support/fixtures';
import { securityEventsWhen } from '../support/security-events';
import { call, startTestServer, type TestServer } from '../support/server';
import { secretOf, totpCode } from '../support/two-factor';

const file = join(process.env.TEST_DATA_DIR ?? tmpdir(), `security-notifications-${randomUUID()}.jsonl`);
let server: TestServer;
let clock: ReturnType<typeof testClock>;
beforeAll(async () => {
  server = await startTestServer({ securityEvents: file, notify });
});
afterAll(() => server.close());
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const signIn = async (user: { email: string; password: string }) =>
  (await call(server.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).body;

/** Waits (up to 10 s) until the address has `count` emails; answers them. */
async function emailsWhen(address: string, count: number): Promise<EmailMessage[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = await emailsTo(address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function enrolTotp(token: string): Promise<string> {
  const qr = await call(server.url, 'GET', '/2fa/generate-qr', { token });
  const secret = secretOf(qr.body.link);
  expect((await call(server.url, 'POST', '/2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secret) } })).status).toBe(200);
  return secret;
}

describe('security notifications through the local stream follower', () => {
  it('enrolling TOTP, then changing the password in Danish: one email each, in the user’s language', async () => {
    const { member } = await newOrg();
    const token = (await signIn(member)).accessToken;
    const secret = await enrolTotp(token);
    const [added] = await emailsWhen(member.email, 1);
    expect(added!.subject).toBe('A second factor was added to your TwoFactor account');
    expect(added!.text).toContain('From: 127.0.0.1');

    clock.nextStep();
    const changed = await call(server.url, 'POST', '/api/auth/password', {
      token,
      body: { currentPassword: member.password, newPassword: 'a quiet harbour at dawn', code: await totpCode(secret) },
      headers: { 'accept-language': 'da' },
    });
    expect(changed.status).toBe(204);
    const mails = await emailsWhen(member.email, 2);
    expect(mails.map((m) => m.subject)).toEqual(['A second factor was added to your TwoFactor account', 'Din adgangskode til TwoFactor er ændret']);
    // Password hashing on a busy machine: more than the default 30 s.
  }, 90_000);

  it('the email service failing: the change is made, the follower logs and goes on to the next event', async () => {
    const { orgId, member, admin } = await newOrg();
    setEmailSender({ send: () => Promise.reject(new Error('SES is down')) });
    try {
      const token = (await signIn(member)).accessToken;
      await enrolTotp(token);
      // The event went by the follower (written to the file) and the notifier failed on it.
      await securityEventsWhen(file, (e) => e.detail.orgId === String(orgId) && e['detail-type'] === 'factor.verified');
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      setEmailSender(undefined);
    }
    expect(await emailsTo(member.email)).toHaveLength(0);
    // The factor is there: the second step is asked for.
    expect((await signIn(member)).twoFactorRequired).toBe(true);
    // The next event is notified: the follower did not stop.
    const adminToken = (await signIn(admin)).accessToken;
    expect((await call(server.url, 'POST', `/api/users/${member.userId}/two-factor/reset`, { token: adminToken })).status).toBe(204);
    const mails = await emailsWhen(member.email, 1);
    expect(mails.map((m) => m.subject)).toEqual(['An administrator reset two-factor authentication on your TwoFactor account']);
  });
});
