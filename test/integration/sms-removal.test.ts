/**
 * What the self-service page needs for SMS beyond enrolment: the settings say which methods and
 * country calling codes the org allows, and a user removes their phone (a set-up never finished
 * freely, a verified number only with a recent second factor or a code).
 */
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { lastSms, randomDanishMobile } from '../support/sms';
import { forgetCachedPolicy } from '../../shared/policy/policy';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

async function orgWithSms(smsCountryCodes?: string[]) {
  const org = await newOrg();
  const adminToken = await accessToken(org.admin);
  expect((await invoke('POST /api/settings/twofactor/{method}', { token: adminToken, params: { method: 'sms' } })).status).toBe(204);
  if (smsCountryCodes) expect((await invoke('PATCH /api/settings/twofactor', { token: adminToken, body: { smsCountryCodes } })).status).toBe(204);
  forgetCachedPolicy(org.orgId);
  return org;
}

async function enrolPhone(token: string) {
  const phone = randomDanishMobile();
  expect((await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone } })).status).toBe(204);
  return `+45${phone}`;
}

async function sendCode(token: string, e164: string): Promise<string> {
  expect((await invoke('POST /api/two-factor/send-verification', { token })).status).toBe(204);
  return (await lastSms(e164))!.code;
}

const settings = async (token: string) => (await invoke('GET /api/two-factor', { token })).body.data;

describe('the settings tell the page what the org allows', () => {
  it('names the allowed methods: SMS only once the org allows it', async () => {
    const org = await newOrg();
    expect(await settings(await accessToken(org.member))).toMatchObject({ allowed_methods: ['google', 'u2f'], sms_country_codes: null });
    const withSms = await orgWithSms();
    expect((await settings(await accessToken(withSms.member))).allowed_methods).toEqual(['google', 'u2f', 'sms']);
  });

  it('names the country calling codes SMS may go to where the org restricts them', async () => {
    const org = await orgWithSms(['45', '46']);
    expect(await settings(await accessToken(org.member))).toMatchObject({ sms_country_codes: ['45', '46'] });
  });
});

describe('DELETE /api/two-factor/sms', () => {
  it('cancels a set-up never finished without a second factor, audited', async () => {
    const org = await orgWithSms();
    const token = await accessToken(org.member);
    await enrolPhone(token);

    expect((await invoke('DELETE /api/two-factor/sms', { token })).status).toBe(204);

    expect(await settings(token)).toMatchObject({ method: null, phone: null, phone_prefix: null, verified: false });
    const removed = (await storedAuditEvents(org.orgId)).filter((e) => e.action === 'factor.removed');
    expect(removed).toEqual([expect.objectContaining({ actorId: org.member.userId, details: { method: 'sms', country: '45' } })]);
  });

  it('answers 404 when there is no phone, and to the second of two removals', async () => {
    const org = await orgWithSms();
    const token = await accessToken(org.member);
    expect(await invoke('DELETE /api/two-factor/sms', { token })).toMatchObject({ status: 404 });
    await enrolPhone(token);
    const both = await Promise.all([invoke('DELETE /api/two-factor/sms', { token }), invoke('DELETE /api/two-factor/sms', { token })]);
    expect(both.map((r) => r.status).sort()).toEqual([204, 404]);
  });

  it('removes a verified phone only with a recent second factor or a current code', async () => {
    const org = await orgWithSms();
    const token = await accessToken(org.member);
    const e164 = await enrolPhone(token);
    expect((await invoke('POST /api/two-factor/verify', { token, body: { key: await sendCode(token, e164) } })).status).toBe(204);
    clock.advance(31);

    // The password-only session is not a recent second factor.
    expect(await invoke('DELETE /api/two-factor/sms', { token })).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    expect(await invoke('DELETE /api/two-factor/sms', { token, body: { code: '000000' } })).toMatchObject({ status: 422 });
    expect(await settings(token)).toMatchObject({ method: 'sms', verified: true });

    expect((await invoke('DELETE /api/two-factor/sms', { token, body: { code: await sendCode(token, e164) } })).status).toBe(204);
    expect(await settings(token)).toMatchObject({ method: null, phone: null, methods: [] });
    // The phone no longer stands between the password and a session.
    const after = await login(org.member);
    expect(after.accessToken).toEqual(expect.any(String));
    expect(after.twoFactorRequired).toBeUndefined();
  });
});
