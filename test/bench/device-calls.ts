/**
 * `npx tsx test/bench/device-calls.ts`: what a remembered device costs in DynamoDB calls, counted as
 * write-calls.ts counts them (warm process, fresh DynamoDB Local): the password login of a TOTP user
 * without a device token, with a valid one, and with one that does not work; the second factor
 * with and without `rememberDevice`. The org's policy is in the process's cache for each, as it is
 * for most logins of a warm function.
 */
import './env'; // first: sets the environment before configuration is read
import { printCallCounts, type CallRow } from './call-count';

printCallCounts(async (counter) => {
  const { invoke } = await import('../support/invoke');
  const { testClock } = await import('../support/clock');
  const { memberWithDevice } = await import('../support/devices');
  const { login } = await import('../support/fixtures');
  const { totpCode } = await import('../support/two-factor');
  const { getPolicy } = await import('../../shared/policy/policy');
  const rows: CallRow[] = [];
  for (const pass of [1, 2]) {
    const clock = testClock();
    try {
      const scene = await memberWithDevice(clock);
      const credentials = { email: scene.member.email, password: scene.member.password };
      const measure = async (what: string, run: () => Promise<{ status: number }>) => {
        await getPolicy(scene.orgId); // a warm process has the org's policy cached (as most logins do)
        counter.reset();
        const response = await run();
        const calls = counter.take();
        if (response.status !== 200) throw new Error(`${what}: ${response.status}`);
        if (pass === 2) rows.push({ what, calls }); // the first pass warms the process
      };
      await measure('login, no device token', () => invoke('POST /api/auth/login', { body: credentials }));
      await measure('login, valid device token (skips)', () => invoke('POST /api/auth/login', { body: { ...credentials, deviceToken: scene.deviceToken } }));
      await measure('login, unknown device token', () =>
        invoke('POST /api/auth/login', { body: { ...credentials, deviceToken: `${'A'.repeat(22)}.${'B'.repeat(43)}` } }),
      );
      await measure('login, malformed device token', () => invoke('POST /api/auth/login', { body: { ...credentials, deviceToken: 'nonsense' } }));
      for (const rememberDevice of [false, true]) {
        clock.nextStep();
        const pending = await login(scene.member);
        const code = await totpCode(scene.secret);
        await measure(`2fa/authenticate, rememberDevice ${rememberDevice}`, () =>
          invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code, rememberDevice } }),
        );
      }
    } finally {
      clock.restore();
    }
  }
  return rows;
});
