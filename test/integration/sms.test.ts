/** SMS codes through the outbox: enrolment, login, expiry, attempts, resends, abuse limits, races. */
import { GetCommand, PutCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { resetConfig } from '../../shared/config';
import { loadAccount } from '../../shared/factors/account';
import { sms } from '../../shared/factors/sms/strategy';
import { setSmsSender } from '../../shared/adapters/sms-sender';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser, type TestOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { lastSms, randomDanishMobile, smsCount } from '../support/sms';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** An org that allows SMS, a member with an unverified phone, and the member's token. */
async function withPhone(org?: TestOrg) {
  const o = org ?? (await newOrg());
  if (!org) await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(o.admin), params: { method: 'sms' } });
  forgetCachedPolicy(o.orgId);
  const user = org ? await newUser(o.name) : o.member;
  const token = await accessToken(user);
  const phone = randomDanishMobile();
  const patch = await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone } });
  expect(patch.status).toBe(204);
  return { ...o, user, token, e164: `+45${phone}`, phone };
}

async function send(token: string) {
  return invoke('POST /api/two-factor/send-verification', { token });
}

/** Verified SMS factor, and the clock moved past the per-user send interval. */
async function verifiedPhone() {
  const ctx = await withPhone();
  expect((await send(ctx.token)).status).toBe(204);
  const { code } = (await lastSms(ctx.e164))!;
  expect((await invoke('POST /api/two-factor/verify', { token: ctx.token, body: { key: code } })).status).toBe(204);
  clock.advance(31);
  return ctx;
}

describe('SMS enrolment and login', () => {
  it('enrols a number, sends a code to it, and verifies it', async () => {
    const { token, e164, phone } = await withPhone();
    expect((await invoke('GET /api/two-factor', { token })).body.data).toEqual({
      method: 'sms',
      secret_key: null,
      phone_prefix: 45,
      phone: `******${phone.slice(-2)}`, // masked: a pending token (a password) must not reveal the number
      verified: false,
      methods: [],
      allowed_methods: ['google', 'u2f', 'sms'],
      sms_country_codes: null,
    });
    expect((await send(token)).status).toBe(204);
    const sms = (await lastSms(e164))!;
    expect(sms.message).toBe(`${sms.code} is your TwoFactor verification code. It expires in 5 minutes.`);
    expect((await invoke('POST /api/two-factor/verify', { token, body: { key: sms.code } })).status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token })).body.data).toMatchObject({ method: 'sms', verified: true });
  });

  it('logs in with password, then an SMS code sent with the pending token: amr sms', async () => {
    const { user, e164 } = await verifiedPhone();
    const pending = await login(user);
    expect(pending).toMatchObject({ twoFactorRequired: true, methods: ['sms'] });
    expect((await send(pending.pendingToken!)).status).toBe(204);
    const { code } = (await lastSms(e164))!;
    const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code } });
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'sms'] });
  });

  it('refuses an impossible number with 422 naming the field', async () => {
    const org = await newOrg();
    await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(org.admin), params: { method: 'sms' } });
    const token = await accessToken(org.member);
    const response = await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: 1234 } });
    expect(response).toMatchObject({
      status: 422,
      body: { code: 'invalid_phone', errors: [{ path: 'body.phone', message: expect.any(String) }] },
    });
    const missing = await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45 } });
    expect(missing.body.errors).toEqual([{ path: 'body.phone', message: "is required when method is 'sms'" }]);
  });

  it('answers 409 when the org does not allow SMS, or the user’s method is not SMS', async () => {
    const { member } = await newOrg(); // the default policy does not allow SMS
    const token = await accessToken(member);
    const patch = await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: randomDanishMobile() } });
    expect(patch).toMatchObject({ status: 409, body: { code: 'method_not_allowed_by_policy' } });
    expect(await send(token)).toMatchObject({ status: 409 });
  });

  it('refuses a country calling code the org does not allow', async () => {
    const org = await newOrg();
    const adminToken = await accessToken(org.admin);
    await invoke('POST /api/settings/twofactor/{method}', { token: adminToken, params: { method: 'sms' } });
    await invoke('PATCH /api/settings/twofactor', { token: adminToken, body: { smsCountryCodes: ['46', '47'] } });
    forgetCachedPolicy(org.orgId);
    const response = await invoke('PATCH /api/two-factor', {
      token: await accessToken(org.member),
      body: { method: 'sms', phone_prefix: 45, phone: randomDanishMobile() },
    });
    expect(response).toMatchObject({ status: 422, body: { code: 'invalid_phone', detail: 'SMS to +45 numbers is not allowed here' } });
  });
});

describe('phone numbers at rest', () => {
  it('are sealed in the factor item, bound to its user: a sealed number copied to another user sends nothing', async () => {
    const victim = await withPhone();
    const attacker = await withPhone(victim);
    const victimFactor = (await db().send(new GetCommand({ TableName: tableName(), Key: keys.factor(victim.user.userId, 'SMS') }))).Item!;
    expect(JSON.stringify(victimFactor)).not.toContain(victim.phone);
    expect(victimFactor).toMatchObject({ countryCode: '45', maskedPhone: `******${victim.phone.slice(-2)}` });

    await db().send(new PutCommand({ TableName: tableName(), Item: { ...victimFactor, ...keys.factor(attacker.user.userId, 'SMS') } }));
    expect(await send(attacker.token)).toMatchObject({ status: 409 });
    expect(await smsCount(victim.e164)).toBe(0);
  });

  it('enrolled before numbers were sealed (plaintext item) still receive codes, and show masked', async () => {
    const { token, user } = await withPhone();
    const phone = randomDanishMobile();
    const legacy = { kind: 'sms', verified: false, e164: `+45${phone}`, countryCode: '45', nationalNumber: phone, createdAt: clock.now().toISOString() };
    await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.factor(user.userId, 'SMS'), ...legacy } }));
    expect((await invoke('GET /api/two-factor', { token })).body.data).toMatchObject({ phone_prefix: 45, phone: `******${phone.slice(-2)}` });
    expect((await send(token)).status).toBe(204);
    expect(await smsCount(`+45${phone}`)).toBe(1);
  });
});

describe('message language', () => {
  it('follows Accept-Language when a template exists, and ignores hostile values', async () => {
    process.env.SMS_TEMPLATES = JSON.stringify({ en: '{code} is your {app} code', da: '{code} er din {app}-kode' });
    resetConfig();
    try {
      const { token, e164 } = await withPhone();
      expect((await invoke('POST /api/two-factor/send-verification', { token, headers: { 'accept-language': 'da-DK,da;q=0.9' } })).status).toBe(204);
      expect((await lastSms(e164))!.message).toMatch(/^\d{6} er din TwoFactor-kode$/);
      clock.advance(31);
      expect((await invoke('POST /api/two-factor/send-verification', { token, headers: { 'accept-language': '__proto__' } })).status).toBe(204);
      expect((await lastSms(e164))!.message).toMatch(/^\d{6} is your TwoFactor code$/);
    } finally {
      delete process.env.SMS_TEMPLATES;
      resetConfig();
    }
  });
});

describe('codes', () => {
  it('expire after 5 minutes', async () => {
    const { token, e164 } = await withPhone();
    await send(token);
    clock.advance(301);
    const { code } = (await lastSms(e164))!;
    expect(await invoke('POST /api/two-factor/verify', { token, body: { key: code } })).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
  });

  it('die at the fifth wrong try', async () => {
    const { token, e164, user } = await withPhone();
    await send(token);
    const { code } = (await lastSms(e164))!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await invoke('POST /api/two-factor/verify', { token, body: { key: wrong } });
    const item = await db().send(new GetCommand({ TableName: tableName(), Key: keys.smsCode(user.userId), ConsistentRead: true }));
    expect(item.Item).toMatchObject({ attempts: 5 });
    // The right code no longer matches, whatever the lockout says.
    const account = (await loadAccount(user.userId))!;
    expect(await sms.check(account, { code }, clock.now(), { includeUnverified: true })).toBeUndefined();
    clock.advance(31); // past the lockout the five failures earned
    expect((await invoke('POST /api/two-factor/verify', { token, body: { key: code } })).status).not.toBe(204);
  });

  it('are replaced by a resend', async () => {
    const { token, e164 } = await withPhone();
    await send(token);
    const first = (await lastSms(e164))!.code;
    clock.advance(31);
    await send(token);
    const second = (await lastSms(e164))!.code;
    if (first !== second) expect((await invoke('POST /api/two-factor/verify', { token, body: { key: first } })).status).toBe(422);
    expect((await invoke('POST /api/two-factor/verify', { token, body: { key: second } })).status).toBe(204);
  });

  it('are consumed once: two racing logins with the right code, one wins', async () => {
    const { user, e164 } = await verifiedPhone();
    // Two logins (a pending token finishes one login only: pending-token.test.ts), one code.
    const pending = [(await login(user)).pendingToken!, (await login(user)).pendingToken!];
    await send(pending[0]!);
    const { code } = (await lastSms(e164))!;
    const results = await Promise.all(pending.map((token) => invoke('POST /2fa/authenticate', { token, body: { code } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
  });

  it('are stored only as a keyed hash', async () => {
    const { token, e164, user } = await withPhone();
    await send(token);
    const { code } = (await lastSms(e164))!;
    const item = (await db().send(new GetCommand({ TableName: tableName(), Key: keys.smsCode(user.userId) }))).Item!;
    expect(JSON.stringify(item)).not.toContain(code);
    expect(item).toMatchObject({ attempts: 0, codeHash: expect.any(String) });
  });
});

describe('abuse limits answer 429 with Retry-After', () => {
  it('one send per 30 s per user', async () => {
    const { token } = await withPhone();
    expect((await send(token)).status).toBe(204);
    const again = await send(token);
    expect(again).toMatchObject({ status: 429, body: { code: 'too_many_requests' } });
    expect(Number(again.headers['Retry-After'])).toBeGreaterThan(0);
    expect(Number(again.headers['Retry-After'])).toBeLessThanOrEqual(30);
  });

  it('five sends per hour per user', async () => {
    clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000); // early in an hour window
    const { token } = await withPhone();
    for (let i = 0; i < 5; i++) {
      expect((await send(token)).status).toBe(204);
      clock.advance(31);
    }
    const sixth = await send(token);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers['Retry-After'])).toBeGreaterThan(30);
  });

  it('enrolment: five sends per 10 minutes to one number, across users', async () => {
    clock = testClock(Math.floor(Date.now() / 600_000) * 600_000 + 1_000);
    const first = await withPhone();
    const senders = [first];
    for (let i = 0; i < 5; i++) {
      const other = await newUser(first.name);
      const token = await accessToken(other);
      await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: first.phone } });
      senders.push({ ...first, token });
    }
    const statuses = [];
    for (const s of senders) statuses.push((await send(s.token)).status);
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
    expect(await smsCount(first.e164)).toBe(5);
  });

  it('enrolment: an org-wide hourly budget, which login sends to verified numbers do not draw on', async () => {
    process.env.SMS_MAX_PER_ORG_HOURLY = '2';
    resetConfig();
    try {
      clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000);
      const a = await verifiedPhone(); // its enrolment send is the first of the org's two
      const b = await withPhone(a);
      const c = await withPhone(a);
      expect((await send(b.token)).status).toBe(204);
      const over = await send(c.token);
      expect(over.status).toBe(429);
      expect(Number(over.headers['Retry-After'])).toBeGreaterThan(60);
      expect((await send((await login(a.user)).pendingToken!)).status).toBe(204);
    } finally {
      delete process.env.SMS_MAX_PER_ORG_HOURLY;
      resetConfig();
    }
  });

  it('enrolment: ten sends per day to one number (and per user)', async () => {
    clock = testClock(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 1_000);
    const ctx = await withPhone();
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await send(await accessToken(ctx.user))).status);
      clock.advance(3601); // past the per-user and per-10-minute limits; 11 sends stay inside one day
    }
    expect(statuses).toEqual([...Array(10).fill(204), 429]);
    expect(await smsCount(ctx.e164)).toBe(10);
  });
});

describe('login sends to a verified number', () => {
  it('are capped per user: ten a day with the enrolment send, then 429 until the next day', async () => {
    clock = testClock(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 1_000);
    const { user, e164 } = await verifiedPhone();
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await send((await login(user)).pendingToken!)).status);
      clock.advance(3601); // past the hourly cap; 11 sends stay inside one day
    }
    expect(statuses).toEqual([...Array(9).fill(204), 429]);
    expect(await smsCount(e164)).toBe(10);
  });
});

describe('the minimum interval between sends is rolling', () => {
  it('refuses a second send 1.1 s later across a 30-second window boundary', async () => {
    const { token } = await withPhone();
    const boundary = (Math.floor(clock.now().getTime() / 30_000) + 2) * 30_000;
    clock = testClock(boundary - 550);
    expect((await send(token)).status).toBe(204);
    clock.advance(1.1); // now 550 ms past the boundary
    const again = await send(token);
    expect(again).toMatchObject({ status: 429, body: { code: 'too_many_requests' } });
    expect(Number(again.headers['Retry-After'])).toBeGreaterThanOrEqual(28);
    expect(Number(again.headers['Retry-After'])).toBeLessThanOrEqual(29);
    clock.advance(28.9); // 30.0 s after the first send
    expect((await send(token)).status).toBe(204);
  });
});

describe('one tenant cannot block another tenant’s SMS', () => {
  it('throwaway users of another org spamming a victim’s verified number: the enrolment budgets refuse them, the victim’s login code still arrives', async () => {
    clock = testClock(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 1_000); // one day, one 10-minute window
    const victim = await verifiedPhone();
    // The attacker: an admin of org B with SMS allowed, enrolling the victim's number on throwaway users.
    const attacker = await newOrg();
    await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(attacker.admin), params: { method: 'sms' } });
    forgetCachedPolicy(attacker.orgId);
    const throwawaySend = async () => {
      const token = await accessToken(await newUser(attacker.name));
      await invoke('PATCH /api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: victim.phone } });
      return (await send(token)).status;
    };
    const statuses: number[][] = [];
    for (const attempts of [5, 5, 1]) {
      const window: number[] = [];
      for (let i = 0; i < attempts; i++) window.push(await throwawaySend());
      statuses.push(window);
      clock.advance(601); // the next 10-minute window, the same day
    }
    // The victim's own enrolment send used one of the number's 5 per 10 minutes and 10 per day.
    expect(statuses).toEqual([[204, 204, 204, 204, 429], [204, 204, 204, 204, 204], [429]]);
    expect(await smsCount(victim.e164)).toBe(10);

    const pending = await login(victim.user);
    expect((await send(pending.pendingToken!)).status).toBe(204);
    expect(await smsCount(victim.e164)).toBe(11);
    const { code } = (await lastSms(victim.e164))!;
    const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code } });
    expect(response.status).toBe(200);
  });
});

describe('delivery failure', () => {
  it('answers 502 and leaves no usable code', async () => {
    const { token, user } = await withPhone();
    setSmsSender({ send: async () => Promise.reject(new Error('SNS is down')) });
    try {
      const response = await send(token);
      expect(response).toMatchObject({ status: 502, body: { code: 'sms_delivery_failed', detail: 'The SMS could not be sent; try again later' } });
      expect(JSON.stringify(response.body)).not.toContain('SNS is down');
    } finally {
      setSmsSender(undefined);
    }
    const item = await db().send(new GetCommand({ TableName: tableName(), Key: keys.smsCode(user.userId), ConsistentRead: true }));
    expect(item.Item).toBeUndefined();
  });
});
