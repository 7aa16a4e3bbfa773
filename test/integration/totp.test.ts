/** TOTP end to end in the Ziik and /2fa dialects, and the attacks it must withstand. */
import { GetCommand, PutCommand, ScanCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, loginWithTotp, secretOf, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** A member with TOTP enrolled and verified, and the clock on a fresh step. */
async function enrolledMember() {
  const org = await newOrg();
  const secret = await enrolTotp(await accessToken(org.member));
  clock.nextStep();
  return { ...org, secret };
}

const withoutInstance = ({ instance: _i, ...body }: Record<string, unknown>) => body;

describe('Ziik dialect: /api/two-factor', () => {
  it('enrols with a client secret, shows it (and its QR) only until verified', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    expect((await invoke('GET /api/two-factor', { token })).body).toEqual({
      data: {
        method: null,
        secret_key: null,
        phone_prefix: null,
        phone: null,
        verified: false,
        methods: [],
        allowed_methods: ['google', 'u2f'],
        sms_country_codes: null,
      },
    });
    const { body: generated } = await invoke('GET /api/two-factor/secret', { token });
    expect(generated.data.secret_key).toMatch(/^[A-Z2-7]{32}$/); // 160 bits

    const patch = await invoke('PATCH /api/two-factor', { token, body: { method: 'google', secret_key: generated.data.secret_key } });
    expect(patch.status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token })).body.data).toEqual({
      method: 'google',
      secret_key: generated.data.secret_key,
      phone_prefix: null,
      phone: null,
      verified: false,
      methods: [],
      allowed_methods: ['google', 'u2f'],
      sms_country_codes: null,
    });
    const qr = await invoke('GET /api/two-factor/qr', { token });
    expect(qr.body.data.qr_image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);

    const verify = await invoke('POST /api/two-factor/verify', { token, body: { key: await totpCode(generated.data.secret_key) } });
    expect(verify.status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token })).body.data).toMatchObject({ method: 'google', secret_key: null, verified: true, methods: ['google'] });
    expect((await invoke('GET /api/two-factor/qr', { token })).status).toBe(409);
  });

  it('a 2FA login: the pending token and a code on /api/two-factor/verify answer aal 2 tokens', async () => {
    const { member, secret } = await enrolledMember();
    const pending = await login(member);
    expect(pending).toMatchObject({ twoFactorRequired: true, methods: ['totp'] });
    const response = await invoke('POST /api/two-factor/verify', { token: pending.pendingToken, body: { key: await totpCode(secret) } });
    expect(response).toMatchObject({ status: 200, body: { accessToken: expect.any(String), refreshToken: expect.any(String), isTwoFactorEnable: true } });
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
  });

  it.each([
    ['the seed’s example', '1234567890', 'secret_key must be base32'],
    ['80 bits', 'T42NQXFCPWEJMGJY', 'at least 128 bits'],
  ])('refuses %s as a secret with 422 saying why', async (_label, secret, message) => {
    const { member } = await newOrg();
    const response = await invoke('PATCH /api/two-factor', { token: await accessToken(member), body: { method: 'google', secret_key: secret } });
    expect(response).toMatchObject({ status: 422, body: { code: 'invalid_secret', detail: expect.stringContaining(message) } });
  });

  it('refuses google without a secret, and an unknown method, with 400', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    expect((await invoke('PATCH /api/two-factor', { token, body: { method: 'google' } })).body.errors).toEqual([
      { path: 'body.secret_key', message: "is required when method is 'google'" },
    ]);
    expect((await invoke('PATCH /api/two-factor', { token, body: { method: 'fax' } })).status).toBe(400);
  });

  it('disables with method "" given a recent second factor, but not while the org forces 2FA', async () => {
    const { member, admin, secret } = await enrolledMember();
    const tokens = await loginWithTotp(member, secret);
    const adminToken = await accessToken(admin);
    await invoke('POST /api/settings/twofactor/force', { token: adminToken });
    forgetCachedPolicy(member.orgId);
    const forced = await invoke('PATCH /api/two-factor', { token: tokens.accessToken, body: { method: '' } });
    expect(forced).toMatchObject({ status: 403, body: { code: 'two_factor_forced' } });

    await invoke('DELETE /api/settings/twofactor/force', { token: adminToken });
    forgetCachedPolicy(member.orgId);
    expect((await invoke('PATCH /api/two-factor', { token: tokens.accessToken, body: { method: '' } })).status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token: tokens.accessToken })).body.data).toMatchObject({ method: null, verified: false });
    expect(await login(member)).toMatchObject({ accessToken: expect.any(String) });
  });
});

describe('/2fa dialect', () => {
  it('generate-qr starts enrolment with an otpauth link; enable verifies it; authenticate logs in', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const qr = await invoke('GET /2fa/generate-qr', { token });
    expect(qr.status).toBe(200);
    expect(qr.body.qrCode).toMatch(/^data:image\/png;base64,/);
    const label = encodeURIComponent(member.email);
    expect(qr.body.link).toMatch(new RegExp(`^otpauth://totp/TwoFactor:${label}\\?secret=[A-Z2-7]{32}&issuer=TwoFactor$`));

    const wrong = await invoke('POST /2fa/enable-two-factor-auth', { token, body: { code: '000000' } });
    expect(wrong.status).toBe(422);
    const enabled = await invoke('POST /2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secretOf(qr.body.link)) } });
    expect(enabled).toEqual({
      status: 200,
      headers: expect.any(Object),
      body: {
        message: 'Two-factor authentication enabled successfully',
        description: 'Two-factor authentication has been enabled for your account.',
      },
    });

    clock.nextStep();
    const pending = await login(member);
    const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: await totpCode(secretOf(qr.body.link)) } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), isTwoFactorEnable: true });
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: expect.arrayContaining(['otp']), sub: String(member.userId) });
    // The refresh token carries the session's aal 2 on.
    const refreshed = await invoke('POST /api/auth/refresh', { body: { refreshToken: response.body.refreshToken } });
    expect(decodeJwt(refreshed.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
  });

  it('disable needs a recent second factor or a code', async () => {
    const { member, admin, secret } = await enrolledMember();
    const tokens = await loginWithTotp(member, secret);
    await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { checkLifetimeSeconds: 60 } });
    forgetCachedPolicy(member.orgId);
    clock.advance(120);
    const refused = await invoke('POST /2fa/disable-two-factor-auth', { token: tokens.accessToken });
    expect(refused).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    const withWrongCode = await invoke('POST /2fa/disable-two-factor-auth', { token: tokens.accessToken, body: { code: '123456' } });
    expect(withWrongCode.status).toBe(422);
    clock.nextStep();
    const allowed = await invoke('POST /2fa/disable-two-factor-auth', { token: tokens.accessToken, body: { code: await totpCode(secret) } });
    expect(allowed).toMatchObject({
      status: 200,
      body: { message: 'Two-factor authentication disabled successfully', description: 'Two-factor authentication has been disabled for your account.' },
    });
  });

  it('changing a verified authenticator also needs a recent second factor', async () => {
    const { member, secret } = await enrolledMember();
    const plain = await accessToken({ ...member }).catch(() => undefined);
    expect(plain).toBeUndefined(); // with a factor, the password alone gives no access token
    const tokens = await loginWithTotp(member, secret);
    // Within the check lifetime: allowed.
    expect((await invoke('GET /2fa/generate-qr', { token: tokens.accessToken })).status).toBe(200);
  });

  it('a pending token cannot enrol a new authenticator for a user who has one', async () => {
    const { member } = await enrolledMember();
    const pending = await login(member);
    const response = await invoke('GET /2fa/generate-qr', { token: pending.pendingToken });
    expect(response).toMatchObject({ status: 403, body: { code: 'two_factor_required' } });
    const patch = await invoke('PATCH /api/two-factor', {
      token: pending.pendingToken,
      body: { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    });
    expect(patch.status).toBe(403);
  });

  it('forced 2FA: a user without a factor enrols with the pending token, and enabling finishes the login', async () => {
    const { admin, member } = await newOrg();
    await invoke('POST /api/settings/twofactor/force', { token: await accessToken(admin) });
    forgetCachedPolicy(member.orgId);
    const pending = await login(member);
    expect(pending).toMatchObject({ twoFactorSetupRequired: true });
    const qr = await invoke('GET /2fa/generate-qr', { token: pending.pendingToken });
    const enabled = await invoke('POST /2fa/enable-two-factor-auth', {
      token: pending.pendingToken,
      body: { code: await totpCode(secretOf(qr.body.link)) },
    });
    expect(enabled.status).toBe(200);
    expect(decodeJwt(enabled.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
  });
});

describe('attacks', () => {
  it('a code is accepted once: 20 concurrent /2fa/authenticate with one valid code, exactly one gets tokens', async () => {
    const { member, secret } = await enrolledMember();
    const pending = await login(member);
    const code = await totpCode(secret);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // The others lost on the time step (422, 429) or found the pending token spent by the winner (401).
    expect(results.filter((r) => ![200, 401, 422, 429].includes(r.status)).map((r) => [r.status, r.body])).toEqual([]);
  });

  it('no oracle: wrong, reused and expired codes get the same status and body', async () => {
    const { member, secret } = await enrolledMember();
    const pending = (await login(member)).pendingToken;
    const code = await totpCode(secret);
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { code } })).status).toBe(200);
    // Each on a fresh pending token: the one used is spent (401, pending-token.test.ts).
    const reused = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code } });
    const wrong = await invoke('POST /2fa/authenticate', {
      token: (await login(member)).pendingToken,
      body: { code: code === '000000' ? '111111' : '000000' },
    });
    clock.advance(120);
    const expired = await invoke('POST /2fa/authenticate', {
      token: (await login(member)).pendingToken,
      body: { code: await totpCode(secret, new Date(clock.now().getTime() - 90_000)) },
    });
    for (const r of [reused, wrong, expired]) {
      expect(r.status).toBe(422);
      expect(withoutInstance(r.body)).toEqual(withoutInstance(wrong.body));
    }
    expect(wrong.body).toMatchObject({ code: 'invalid_code', detail: 'The code is invalid or expired' });
  });

  it('locks out after 5 consecutive failures with 429 and Retry-After, backs off exponentially, and resets on success', async () => {
    const { member, secret } = await enrolledMember();
    const attempt = async (code: string) =>
      invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code } });
    for (let i = 1; i <= 4; i++) expect((await attempt('000000')).status).toBe(422);
    const fifth = await attempt('000000');
    expect(fifth).toMatchObject({ status: 429, body: { code: 'invalid_code', detail: 'The code is invalid or expired' } });
    expect(fifth.headers['Retry-After']).toBe('30');
    // Even the right code is refused while locked, with the same answer.
    const locked = await attempt(await totpCode(secret));
    expect(locked.status).toBe(429);
    expect(withoutInstance(locked.body)).toEqual(withoutInstance(fifth.body));

    clock.advance(31);
    expect((await attempt('000000')).headers['Retry-After']).toBe('60');
    clock.advance(61);
    clock.nextStep();
    expect((await attempt(await totpCode(secret))).status).toBe(200);
    // Reset: four more failures do not lock.
    clock.nextStep();
    for (let i = 1; i <= 4; i++) expect((await attempt('000000')).status).toBe(422);
  });

  it('stops for good at 20 consecutive failures, long before 100, until an admin resets', async () => {
    const { member, admin, secret } = await enrolledMember();
    let last;
    for (let i = 1; i <= 20; i++) {
      last = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: '000000' } });
      if (i < 20) clock.advance(Number(last.headers['Retry-After'] ?? 0) + 1);
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['Retry-After'])).toBeGreaterThan(365 * 24 * 3600);
    clock.nextStep();
    expect((await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: await totpCode(secret) } })).status).toBe(429);
    expect((await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(admin), params: { id: member.userId } })).status).toBe(204);
    expect(await login(member)).toMatchObject({ accessToken: expect.any(String) });
  });

  it('a burst cannot escalate the lockout: 60 parallel wrong codes on one pending token earn one lock level, not the hard stop', async () => {
    const { member, secret } = await enrolledMember();
    const pending = (await login(member)).pendingToken;
    const results = await Promise.all(
      Array.from({ length: 60 }, () => invoke('POST /2fa/authenticate', { token: pending, body: { code: '000000' } })),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 422 && s !== 429)).toEqual([]);
    const retryAfter = results.filter((r) => r.status === 429).map((r) => Number(r.headers['Retry-After']));
    expect(retryAfter.length).toBeGreaterThan(0);
    expect(Math.max(...retryAfter)).toBeLessThanOrEqual(30);
    const state = await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(member.userId), ConsistentRead: true }));
    expect(state.Item).toMatchObject({ failures: 5 });
    // Once the first lock has passed, the right code still works.
    clock.advance(31);
    clock.nextStep();
    const ok = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: await totpCode(secret) } });
    expect(ok.status).toBe(200);
  });

  it('a double-submit cannot escalate the lockout: 20 parallel copies of a valid code give one success and at most the first lock level', async () => {
    const { member, secret } = await enrolledMember();
    const pending = (await login(member)).pendingToken;
    const code = await totpCode(secret);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => invoke('POST /2fa/authenticate', { token: pending, body: { code } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const retryAfter = results.filter((r) => r.status === 429).map((r) => Number(r.headers['Retry-After']));
    expect(Math.max(0, ...retryAfter)).toBeLessThanOrEqual(30);
    const state = await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(member.userId), ConsistentRead: true }));
    expect(state.Item!.failures).toBeLessThanOrEqual(5);
    expect(state.Item!.lockedUntil ?? 0).toBeLessThanOrEqual(Math.floor(clock.now().getTime() / 1000) + 30);
  });

  it('an attempt refused while locked changes nothing: the count and the lock stay as they were', async () => {
    const { member, secret } = await enrolledMember();
    const attempt = async (code: string) =>
      invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code } });
    for (let i = 1; i <= 5; i++) await attempt('000000');
    const read = async () =>
      (await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(member.userId), ConsistentRead: true }))).Item;
    const locked = await read();
    clock.advance(10);
    expect((await attempt('000000')).headers['Retry-After']).toBe('20');
    expect((await attempt(await totpCode(secret))).status).toBe(429);
    expect(await read()).toEqual(locked);
  });

  it('the failure count belongs to the user: a new login does not reset it', async () => {
    const { member } = await enrolledMember();
    for (let i = 0; i < 4; i++) {
      await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: '000000' } });
    }
    const fifth = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: '000000' } });
    expect(fifth.status).toBe(429);
    const state = await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(member.userId) }));
    expect(state.Item).toMatchObject({ failures: 5 });
  });

  it('stores the secret encrypted, bound to its user: a ciphertext copied to another user fails closed', async () => {
    const victim = await enrolledMember();
    const raw = JSON.stringify((await db().send(new ScanCommand({ TableName: tableName() }))).Items);
    expect(raw).not.toContain(victim.secret);

    const attacker = await newUser(victim.name, 'member');
    const attackerToken = await accessToken(attacker);
    await enrolTotp(attackerToken);
    clock.nextStep();
    const victimFactor = await db().send(new GetCommand({ TableName: tableName(), Key: keys.factor(victim.member.userId, 'TOTP') }));
    const attackerKey = keys.factor(attacker.userId, 'TOTP');
    await db().send(new PutCommand({ TableName: tableName(), Item: { ...victimFactor.Item, ...attackerKey } }));

    const pending = await login(attacker);
    const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: await totpCode(victim.secret) } });
    expect(response).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
  });
});

describe('POST /api/users/{id}/two-factor/reset', () => {
  it('an admin of the user’s org removes every factor, ends the sessions and leaves an audit event', async () => {
    const { member, admin, secret, orgId } = await enrolledMember();
    const tokens = await loginWithTotp(member, secret);
    const response = await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(admin), params: { id: member.userId } });
    expect(response.status).toBe(204);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
    expect(await login(member)).toMatchObject({ accessToken: expect.any(String) });
    const events = await storedAuditEvents(orgId);
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'factor.reset_by_admin', actorId: admin.userId, targetUserId: member.userId }),
    );
  });

  it('is refused to a member (403) and to an admin of another org (404)', async () => {
    const { member } = await enrolledMember();
    const other = await newOrg();
    const colleague = await newUser((await newOrg()).name);
    expect((await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(colleague), params: { id: member.userId } })).status).toBe(403);
    expect((await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(other.admin), params: { id: member.userId } })).status).toBe(404);
  });
});
