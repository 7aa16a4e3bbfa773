/**
 * `npx tsx test/bench/email-code-calls.ts`: DynamoDB calls of one warm request on each step of an
 * email-code login (send, then POST /2fa/authenticate with the code) and of enrolment, for comparison
 * with an authenticator app's (the last row). A wrong code is counted too: it spends an attempt.
 */
import './env'; // first: sets the environment before configuration is read
import { printCallCounts, type CallRow } from './call-count';

printCallCounts(async (counter) => {
  const { invoke } = await import('../support/invoke');
  const { testClock } = await import('../support/clock');
  const { accessToken, login, newOrg } = await import('../support/fixtures');
  const { lastEmailCode } = await import('../support/email');
  const { forgetCachedPolicy } = await import('../../shared/policy/policy');
  const { enrolTotp, totpCode } = await import('../support/two-factor');
  const rows: CallRow[] = [];
  const count = async (step: string, call: () => Promise<{ status: number; body: unknown }>, status: number) => {
    counter.reset();
    const response = await call();
    const calls = counter.take();
    if (response.status !== status) throw new Error(`${step}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
    rows.push({ what: step, calls });
  };
  for (let pass = 0; pass < 2; pass++) {
    rows.length = 0; // the first pass warms the process (signing key, data key, policy cache)
    const clock = testClock();
    try {
      const org = await newOrg();
      await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(org.admin), params: { method: 'email' } });
      forgetCachedPolicy(org.orgId);
      const token = await accessToken(org.member);
      await count('POST /api/two-factor/email (enrol + send)', () => invoke('POST /api/two-factor/email', { token, body: {} }), 200);
      const enrolCode = (await lastEmailCode(org.member.email))!;
      await count('POST /api/two-factor/verify (email)', () => invoke('POST /api/two-factor/verify', { token, body: { key: enrolCode } }), 204);
      clock.advance(31);
      const pending = (await login(org.member)).pendingToken!;
      await count('POST /api/two-factor/email/send (login)', () => invoke('POST /api/two-factor/email/send', { token: pending }), 200);
      const code = (await lastEmailCode(org.member.email))!;
      const wrong = code === '000000' ? '111111' : '000000';
      await count('POST /2fa/authenticate (email, wrong code)', () => invoke('POST /2fa/authenticate', { token: pending, body: { code: wrong } }), 422);
      await count('POST /2fa/authenticate (email)', () => invoke('POST /2fa/authenticate', { token: pending, body: { code } }), 200);
      // The same step with an authenticator app, in the same org (email allowed), for comparison.
      const secret = await enrolTotp(await accessToken(org.admin));
      clock.nextStep();
      const adminPending = (await login(org.admin)).pendingToken!;
      const totp = await totpCode(secret);
      await count('POST /2fa/authenticate (totp)', () => invoke('POST /2fa/authenticate', { token: adminPending, body: { code: totp } }), 200);
    } finally {
      clock.restore();
    }
  }
  return rows;
});
