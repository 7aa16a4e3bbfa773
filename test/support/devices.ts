/** Remembered devices through the API, as a client would: the org allows them, a member remembers one. */
import { accessToken, newOrg, login } from './fixtures';
import type { testClock } from './clock';
import { invoke } from './invoke';
import { enrolTotp, totpCode } from './two-factor';

/** The org's allowance (PATCH /api/settings/twofactor, as its admin). */
export async function allowDevices(adminToken: string, days: number): Promise<void> {
  const r = await invoke('PATCH /api/settings/twofactor', { token: adminToken, body: { rememberDeviceDays: days } });
  if (r.status !== 204) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Password, then the TOTP code with `rememberDevice: true`: the whole answer (tokens, device token, cookie). */
export async function loginRemembering(user: { email: string; password: string }, secret: string, headers: Record<string, string> = {}) {
  const pending = await login(user);
  if (!pending.pendingToken) throw new Error(`expected a pending login: ${JSON.stringify(pending)}`);
  const answer = await invoke('POST /2fa/authenticate', {
    token: pending.pendingToken,
    body: { code: await totpCode(secret), rememberDevice: true },
    headers,
  });
  if (answer.status !== 200) throw new Error(`authenticate: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** An org that allows devices for `days`, its member with TOTP and one remembered device. */
export async function memberWithDevice(clock: ReturnType<typeof testClock>, days = 30, headers: Record<string, string> = {}) {
  const org = await newOrg();
  const adminToken = await accessToken(org.admin);
  await allowDevices(adminToken, days);
  const secret = await enrolTotp(await accessToken(org.member));
  clock.nextStep();
  const answer = await loginRemembering(org.member, secret, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', ...headers });
  clock.nextStep();
  return {
    ...org,
    adminToken,
    secret,
    answer,
    accessToken: answer.body.accessToken as string,
    deviceToken: answer.body.deviceToken as string,
    deviceId: answer.body.deviceId as string,
  };
}
