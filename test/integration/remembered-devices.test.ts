/**
 * Remembered devices: the org's allowance, remembering a device after the second factor, a password
 * login that skips the second step with its token (body or cookie), and every way a token stops
 * working: expiry, a shorter allowance, forgetting it, a password change or reset, a 2FA reset or
 * disable, a deactivation, another user presenting it. None of these says why; each just asks for
 * the second factor again.
 */
import { QueryCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import * as s from '../../functions/response-schemas';
import { Unavailable } from '../../shared/errors';
import { accountAndPolicy, accountOf, finishLogin } from '../../shared/factors/authenticate';
import { db, tableName } from '../../shared/store/client';
import { MAX_REMEMBERED } from '../../shared/tokens/devices';
import { authenticate } from '../../shared/tokens/principal';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { allowDevices, loginRemembering, memberWithDevice } from '../support/devices';
import { accessToken, login, newOrg, newUser, policyChangeSettles } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { forgot } from '../support/links';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

// Many scrypt logins per test: generous on a loaded machine.
jest.setTimeout(120_000);

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const DAY = 24 * 3600;
const NEW_PASSWORD = 'a different long passphrase';

type Credentials = { email: string; password: string };

/** A password login presenting a device token in the body (or, `cookie`, as the page's browser does). */
const loginWith = (user: Credentials, deviceToken: unknown, via: 'body' | 'cookie' = 'body') =>
  invoke('POST /api/auth/login', {
    body: { email: user.email, password: user.password, ...(via === 'body' && { deviceToken }) },
    ...(via === 'cookie' && { headers: { cookie: `theme=dark; __Host-device=${String(deviceToken)}` } }),
  });

/** The second step was skipped: full tokens, aal 1, amr ["pwd","dev"]. */
function expectSkipped(response: Awaited<ReturnType<typeof loginWith>>) {
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ isTwoFactorEnable: false, accessToken: expect.any(String), refreshToken: expect.any(String) });
  expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 1, amr: ['pwd', 'dev'] });
}

/** The second step is asked for, as if no token had been sent. */
function expectSecondStep(response: Awaited<ReturnType<typeof loginWith>>) {
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ twoFactorRequired: true, pendingToken: expect.any(String), methods: ['totp'] });
  expect(response.body).not.toHaveProperty('accessToken');
}

async function deviceItems(userId: number) {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': 'TRUSTED_DEVICE#' },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

const eventsOf = async (orgId: number, action: string) => (await storedAuditEvents(orgId)).filter((e) => e.action === action);

describe('remembering a device', () => {
  it("keeps the token out of the page's JSON (a same-origin browser fetch): the HttpOnly cookie carries it", async () => {
    const scene = await memberWithDevice(clock, 30, { 'sec-fetch-site': 'same-origin' });
    expect(scene.answer.body).not.toHaveProperty('deviceToken');
    expect(scene.answer.body).toMatchObject({ deviceId: expect.any(String), expiresAt: expect.any(String) });
    expect(scene.answer.cookies).toEqual([expect.stringMatching(/^__Host-device=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=/)]);
    // A cross-origin browser app has no use for this origin's cookie: it gets the token in the body.
    const other = await memberWithDevice(clock, 30, { 'sec-fetch-site': 'cross-site' });
    expect(other.answer.body.deviceToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  });

  it('is off by default: asked for, nothing is remembered, and the login does not offer it', async () => {
    const { member } = await newOrg();
    const secret = await enrolTotp(await accessToken(member));
    clock.nextStep();
    const pending = await login(member);
    expect(pending).not.toHaveProperty('rememberDeviceDays');
    const answer = await loginRemembering(member, secret);
    expect(answer.body).not.toHaveProperty('deviceToken');
    expect(answer.cookies).toBeUndefined();
    expect(await deviceItems(member.userId)).toEqual([]);
  });

  it('answers the token, its id and expiry, and sets the __Host- cookie; stores only a keyed hash', async () => {
    const scene = await memberWithDevice(clock, 30);
    const { answer, member } = scene;
    expect(s.AuthenticateResponse.safeParse(answer.body).success).toBe(true);
    expect(answer.body.deviceToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(answer.body.deviceToken.startsWith(`${answer.body.deviceId}.`)).toBe(true);
    expect(Date.parse(answer.body.expiresAt) - clock.now().getTime()).toBeGreaterThan(29 * DAY * 1000);
    expect(Date.parse(answer.body.expiresAt) - clock.now().getTime()).toBeLessThanOrEqual(30 * DAY * 1000);
    expect(answer.cookies).toEqual([`__Host-device=${answer.body.deviceToken}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${30 * DAY}`]);
    // aal 2 for the login that remembered it.
    expect(decodeJwt(scene.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });

    const items = await deviceItems(member.userId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ deviceId: scene.deviceId, label: 'Firefox on Linux', expiresAt: expect.any(Number) });
    expect(JSON.stringify(items)).not.toContain(scene.deviceToken.split('.')[1]);

    expect(await eventsOf(scene.orgId, 'device.remembered')).toEqual([
      expect.objectContaining({
        targetUserId: member.userId,
        details: { deviceId: scene.deviceId, expiresAt: answer.body.expiresAt, userAgent: 'Firefox on Linux' },
      }),
    ]);
  });

  it('the pending login tells the page how many days it may offer', async () => {
    const scene = await memberWithDevice(clock, 14);
    const pending = await login(scene.member);
    expect(pending).toMatchObject({ twoFactorRequired: true, rememberDeviceDays: 14 });
    expect(s.LoginResponse.safeParse(pending).success).toBe(true);
  });
});

describe('a login with a remembered device', () => {
  it('skips the second step with the token in the body or the cookie: aal 1, amr pwd+dev, audited, last use recorded', async () => {
    const scene = await memberWithDevice(clock);
    expectSkipped(await loginWith(scene.member, scene.deviceToken));
    clock.advance(60);
    const byCookie = await loginWith(scene.member, scene.deviceToken, 'cookie');
    expectSkipped(byCookie);
    expect(s.LoginResponse.safeParse(byCookie.body).success).toBe(true);

    const events = await eventsOf(scene.orgId, 'login.remembered_device');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ targetUserId: scene.member.userId, details: { deviceId: scene.deviceId } });
    const listed = await invoke('GET /api/two-factor/devices', { token: byCookie.body.accessToken });
    expect(listed.body.data[0].lastUsedAt).toBe(clock.now().toISOString());
    // The session list says how it was signed into.
    const sessions = await invoke('GET /api/auth/sessions', { token: byCookie.body.accessToken });
    expect(sessions.body.sessions.find((x: { current: boolean }) => x.current).method).toBe('device');
  });

  it('is checked only after the password: a wrong password with a valid token is the usual 401', async () => {
    const scene = await memberWithDevice(clock);
    const response = await loginWith({ email: scene.member.email, password: 'not the password at all' }, scene.deviceToken);
    expect(response).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    expect(await eventsOf(scene.orgId, 'login.remembered_device')).toEqual([]);
  });

  it('is aal 1: a sensitive change still demands a fresh second factor', async () => {
    const scene = await memberWithDevice(clock);
    const { accessToken: token } = (await loginWith(scene.member, scene.deviceToken)).body;
    const refused = await invoke('POST /api/two-factor/recovery-codes', { token, body: {} });
    expect(refused).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    const disable = await invoke('POST /2fa/disable-two-factor-auth', { token, body: {} });
    expect(disable).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    // With a current code it goes through.
    const withCode = await invoke('POST /api/two-factor/recovery-codes', { token, body: { code: await totpCode(scene.secret) } });
    expect(withCode.status).toBe(201);
  });

  it('stops at its expiry', async () => {
    const scene = await memberWithDevice(clock, 30);
    clock.advance(30 * DAY - 120);
    expectSkipped(await loginWith(scene.member, scene.deviceToken));
    clock.advance(121);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
  });

  it("is refused for another user: one user's token never skips another's second step", async () => {
    const scene = await memberWithDevice(clock);
    const other = await newUser(scene.name);
    await enrolTotp(await accessToken(other));
    clock.nextStep();
    expectSecondStep(await loginWith(other, scene.deviceToken));
    expectSecondStep(await loginWith(other, scene.deviceToken, 'cookie'));
  });

  it('is refused once forgotten, also replayed; forgetting twice is 404', async () => {
    const scene = await memberWithDevice(clock);
    const forget = await invoke('DELETE /api/two-factor/devices/{id}', {
      token: scene.accessToken,
      params: { id: scene.deviceId },
      headers: { cookie: `__Host-device=${scene.deviceToken}` },
    });
    expect(forget.status).toBe(204);
    // This browser's own device: its cookie is cleared too.
    expect(forget.cookies).toEqual(['__Host-device=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0']);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    expectSecondStep(await loginWith(scene.member, scene.deviceToken, 'cookie'));
    const again = await invoke('DELETE /api/two-factor/devices/{id}', { token: scene.accessToken, params: { id: scene.deviceId } });
    expect(again.status).toBe(404);
    expect(await eventsOf(scene.orgId, 'device.forgotten')).toHaveLength(1);
  });

  it('needs the org to allow it still: turned off, then on again, the device stays retired', async () => {
    const scene = await memberWithDevice(clock, 30);
    await allowDevices(scene.adminToken, 0);
    await policyChangeSettles(scene.orgId);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    await allowDevices(scene.adminToken, 30);
    await policyChangeSettles(scene.orgId);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
  });

  it('a shorter allowance retires the devices older than it, and only those', async () => {
    const scene = await memberWithDevice(clock, 30);
    clock.advance(10 * DAY);
    // A second device, remembered 10 days after the first.
    const younger = (await loginRemembering(scene.member, scene.secret)).body.deviceToken as string;
    clock.advance(DAY);
    await allowDevices(await accessToken(scene.admin), 7);
    await policyChangeSettles(scene.orgId);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    expectSkipped(await loginWith(scene.member, younger));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([
      expect.objectContaining({ details: { reason: 'policy', rememberDeviceDays: 7, previousDays: 30 } }),
    ]);
    // The younger one lasts the new allowance from when it was remembered.
    clock.advance(6 * DAY);
    expectSecondStep(await loginWith(scene.member, younger));
  });
});

describe('revocation of all of a user’s devices', () => {
  it('a password change revokes them (and the audit says why)', async () => {
    const scene = await memberWithDevice(clock);
    const changed = await invoke('POST /api/auth/password', {
      token: scene.accessToken,
      body: { currentPassword: scene.member.password, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    const member = { email: scene.member.email, password: NEW_PASSWORD };
    expectSecondStep(await loginWith(member, scene.deviceToken));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([
      expect.objectContaining({ targetUserId: scene.member.userId, details: { reason: 'password_changed' } }),
    ]);
    // A device remembered after the change works.
    clock.nextStep();
    const fresh = (await loginRemembering(member, scene.secret)).body.deviceToken as string;
    expectSkipped(await loginWith(member, fresh));
  });

  it('a password reset revokes them', async () => {
    const scene = await memberWithDevice(clock);
    const started = await invoke('POST /api/auth/password/reset', { body: { token: await forgot(scene.member.email), password: NEW_PASSWORD } });
    expect(started.status).toBe(200);
    const finished = await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: await totpCode(scene.secret) } });
    expect(finished.status).toBe(200);
    expectSecondStep(await loginWith({ email: scene.member.email, password: NEW_PASSWORD }, scene.deviceToken));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([expect.objectContaining({ details: { reason: 'password_reset' } })]);
  });

  it("an admin's 2FA reset revokes them: enrolled again, the old device still asks for the factor", async () => {
    const scene = await memberWithDevice(clock);
    const reset = await invoke('POST /api/users/{id}/two-factor/reset', { token: scene.adminToken, params: { id: scene.member.userId } });
    expect(reset.status).toBe(204);
    // No factor now: the password alone signs in (aal 1, pwd only), the device token changes nothing.
    const bare = await loginWith(scene.member, scene.deviceToken);
    expect(decodeJwt(bare.body.accessToken)).toMatchObject({ aal: 1, amr: ['pwd'] });
    await enrolTotp(bare.body.accessToken);
    clock.nextStep();
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([
      expect.objectContaining({ actorId: scene.admin.userId, details: { reason: 'two_factor_reset' } }),
    ]);
  });

  it('turning 2FA off revokes them', async () => {
    const scene = await memberWithDevice(clock);
    const off = await invoke('POST /2fa/disable-two-factor-auth', { token: scene.accessToken, body: {} });
    expect(off.status).toBeLessThan(300);
    const bare = await loginWith(scene.member, scene.deviceToken);
    await enrolTotp(bare.body.accessToken);
    clock.nextStep();
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([expect.objectContaining({ details: { reason: 'two_factor_disabled' } })]);
  });

  it('removing the last security key (no other factor) revokes them; a key with another factor left does not', async () => {
    const { admin, member, orgId } = await newOrg();
    await allowDevices(await accessToken(admin), 30);
    const key = new SoftAuthenticator('http://localhost:3000');
    const bare = await accessToken(member);
    const options = await invoke('POST /api/two-factor/webauthn/register/options', { token: bare });
    expect((await invoke('POST /api/two-factor/webauthn/register', { token: bare, body: { response: key.register(options.body), name: 'Desk key' } })).status).toBe(201);
    // A key login that remembers the device.
    const pending = (await login(member)).pendingToken!;
    const challenge = await invoke('POST /2fa/webauthn/options', { token: pending });
    const signedIn = await invoke('POST /2fa/authenticate', { token: pending, body: { webauthn: key.authenticate(challenge.body), rememberDevice: true } });
    expect(signedIn.body).toMatchObject({ deviceToken: expect.any(String) });
    expectSkipped(await loginWith(member, signedIn.body.deviceToken));
    const removed = await invoke('DELETE /api/two-factor/webauthn/{id}', { token: signedIn.body.accessToken, params: { id: key.id } });
    expect(removed.status).toBe(204);
    expect(await eventsOf(orgId, 'devices.revoked')).toEqual([expect.objectContaining({ details: { reason: 'two_factor_disabled' } })]);
  });

  it('a deactivation revokes them: reactivated, the user proves the factor again', async () => {
    const scene = await memberWithDevice(clock);
    const params = { id: scene.member.userId };
    expect((await invoke('POST /api/users/{id}/deactivate', { token: scene.adminToken, params })).status).toBe(200);
    expect((await loginWith(scene.member, scene.deviceToken)).status).toBe(403);
    expect((await invoke('POST /api/users/{id}/reactivate', { token: scene.adminToken, params })).status).toBe(200);
    expectSecondStep(await loginWith(scene.member, scene.deviceToken));
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([expect.objectContaining({ details: { reason: 'deactivated' } })]);
  });

  it('a change of a user without devices writes no devices.revoked event', async () => {
    const scene = await memberWithDevice(clock);
    const other = await newUser(scene.name);
    const token = await accessToken(other);
    expect((await invoke('POST /api/auth/password', { token, body: { currentPassword: other.password, newPassword: NEW_PASSWORD } })).status).toBe(204);
    expect(await eventsOf(scene.orgId, 'devices.revoked')).toEqual([]);
  });
});

describe(`at most ${MAX_REMEMBERED} remembered devices per user`, () => {
  it('a new device beyond them replaces the oldest: its token asks for the factor again, its item is gone, the audit names it', async () => {
    const scene = await memberWithDevice(clock);
    const tokens = [scene.deviceToken];
    for (let i = 1; i <= MAX_REMEMBERED; i++) {
      tokens.push((await loginRemembering(scene.member, scene.secret)).body.deviceToken as string);
      clock.nextStep();
    }
    expectSecondStep(await loginWith(scene.member, tokens[0]));
    expectSkipped(await loginWith(scene.member, tokens[1]));
    expectSkipped(await loginWith(scene.member, tokens.at(-1)));
    const items = await deviceItems(scene.member.userId);
    expect(items).toHaveLength(MAX_REMEMBERED);
    expect(items.map((i) => i.deviceId)).not.toContain(scene.deviceId);
    const replaced = (await eventsOf(scene.orgId, 'device.remembered')).flatMap((e) => (e.details as { replaced?: string[] }).replaced ?? []);
    expect(replaced).toEqual([scene.deviceId]);
  });

  it('of two logins remembering at once, the one that read the older state answers 503, counts no failure, and succeeds retried with its code', async () => {
    const scene = await memberWithDevice(clock);
    const pending = (await login(scene.member)).pendingToken!;
    const principal = await authenticate(`Bearer ${pending}`, { access: 'pending' });
    const stale = await accountAndPolicy(principal);
    // Another login remembers a device meanwhile: the devices' state moves on.
    await loginRemembering(scene.member, scene.secret);
    clock.nextStep();
    const code = await totpCode(scene.secret);
    await expect(finishLogin(principal, { code }, { sourceIp: '192.0.2.1' }, { loaded: stale, rememberDevice: true })).rejects.toBeInstanceOf(Unavailable);
    expect((await accountOf(scene.member.userId)).mfa.failures ?? 0).toBe(0);
    const retried = await invoke('POST /2fa/authenticate', { token: pending, body: { code, rememberDevice: true } });
    expect(retried.status).toBe(200);
    expect(await deviceItems(scene.member.userId)).toHaveLength(3);
  });
});

describe('listing and forgetting devices', () => {
  it("lists the caller's working devices, newest first, marks this browser's, never a token", async () => {
    const scene = await memberWithDevice(clock);
    clock.advance(60);
    const second = await loginRemembering(scene.member, scene.secret, { 'user-agent': 'curl/8.5.0' });
    const listed = await invoke('GET /api/two-factor/devices', {
      token: scene.accessToken,
      headers: { cookie: `__Host-device=${second.body.deviceToken}` },
    });
    expect(listed.status).toBe(200);
    expect(s.DevicesResponse.safeParse(listed.body).success).toBe(true);
    expect(listed.body.data).toEqual([
      { id: second.body.deviceId, label: 'curl', createdAt: clock.now().toISOString(), expiresAt: second.body.expiresAt, current: true },
      { id: scene.deviceId, label: 'Firefox on Linux', createdAt: expect.any(String), expiresAt: scene.answer.body.expiresAt, current: false },
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/token|hash/i);
    // Another user sees none of them, and cannot forget them.
    const other = await newUser(scene.name);
    const otherToken = await accessToken(other);
    expect((await invoke('GET /api/two-factor/devices', { token: otherToken })).body).toEqual({ data: [] });
    expect((await invoke('DELETE /api/two-factor/devices/{id}', { token: otherToken, params: { id: scene.deviceId } })).status).toBe(404);
    expectSkipped(await loginWith(scene.member, scene.deviceToken));
  });

  it('a pending login token cannot list or forget devices', async () => {
    const scene = await memberWithDevice(clock);
    const pending = (await login(scene.member)).pendingToken!;
    expect((await invoke('GET /api/two-factor/devices', { token: pending })).status).toBe(403);
    expect((await invoke('DELETE /api/two-factor/devices/{id}', { token: pending, params: { id: scene.deviceId } })).status).toBe(403);
  });
});

describe('hostile input', () => {
  it('a device token of the wrong type or size is a 400 naming it; a malformed one just asks for the factor', async () => {
    const scene = await memberWithDevice(clock);
    for (const deviceToken of [12345, { $ne: null }, ['a'], true, 'x'.repeat(129), 'x'.repeat(100_000)]) {
      const response = await loginWith(scene.member, deviceToken);
      expect({ deviceToken: String(deviceToken).slice(0, 20), status: response.status }).toEqual({ deviceToken: String(deviceToken).slice(0, 20), status: deviceToken === 'x'.repeat(100_000) ? 413 : 400 });
      if (response.status === 400) expect(response.body.errors).toEqual([expect.objectContaining({ path: 'body.deviceToken' })]);
    }
    const [id, secret] = scene.deviceToken.split('.') as [string, string];
    for (const malformed of ['', 'abc', `${id}.`, `${id}.${secret}x`, `${id}.${'A'.repeat(43)}`, `${id.replace(/./, '%')}.${secret}`, `../${id}.${secret}`]) {
      expectSecondStep(await loginWith(scene.member, malformed));
      expectSecondStep(await loginWith(scene.member, malformed, 'cookie'));
    }
    // Two cookies of the name (one planted): neither is trusted.
    const twice = await invoke('POST /api/auth/login', {
      body: { email: scene.member.email, password: scene.member.password },
      headers: { cookie: `__Host-device=${scene.deviceToken}; __Host-device=${scene.deviceToken}` },
    });
    expectSecondStep(twice);
  });

  it('rememberDevice must be a boolean; device ids and the allowance are checked', async () => {
    const scene = await memberWithDevice(clock);
    const pending = (await login(scene.member)).pendingToken!;
    const wrong = await invoke('POST /2fa/authenticate', { token: pending, body: { code: await totpCode(scene.secret), rememberDevice: 'yes' } });
    expect(wrong).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: 'body.rememberDevice' })] } });
    for (const id of ['x', 'a'.repeat(23), '%2e%2e', 'a'.repeat(21) + '!']) {
      const response = await invoke('DELETE /api/two-factor/devices/{id}', { token: scene.accessToken, params: { id } });
      expect({ id, status: response.status }).toEqual({ id, status: 400 });
    }
    for (const rememberDeviceDays of [-1, 91, 1.5, '30', null]) {
      const response = await invoke('PATCH /api/settings/twofactor', { token: scene.adminToken, body: { rememberDeviceDays } });
      expect({ rememberDeviceDays, status: response.status }).toEqual({ rememberDeviceDays, status: 400 });
    }
    // A member may not change the allowance.
    const member = await invoke('PATCH /api/settings/twofactor', { token: scene.accessToken, body: { rememberDeviceDays: 90 } });
    expect(member.status).toBe(403);
    const settings = await invoke('GET /api/settings/twofactor', { token: scene.adminToken });
    expect(settings.body.data.rememberDeviceDays).toBe(30);
  });
});

it('a device needs a usable factor: with none (or forced 2FA not yet enrolled) it never skips anything', async () => {
  const scene = await memberWithDevice(clock);
  // An aal 2 session (a fresh TOTP login), so turning 2FA off needs no code.
  clock.nextStep();
  const { accessToken: token } = await loginWithTotp(scene.member, scene.secret);
  expect((await invoke('POST /2fa/disable-two-factor-auth', { token, body: {} })).status).toBeLessThan(300);
  const forced = await invoke('POST /api/settings/twofactor/force', { token: scene.adminToken });
  expect(forced.status).toBe(204);
  await policyChangeSettles(scene.orgId);
  const response = await loginWith(scene.member, scene.deviceToken);
  // Forced, no grace period, no factor: enrolment, whatever the token.
  expect(response.body).toMatchObject({ twoFactorRequired: true, twoFactorSetupRequired: true });
});
