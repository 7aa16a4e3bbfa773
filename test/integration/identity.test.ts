/** First factor and tokens: login, refresh rotation and reuse detection, logout, users and permissions. */
import { PutCommand, ScanCommand } from '../../shared/store/commands';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { config } from '../../shared/config';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser, uniqueEmail } from '../support/fixtures';
import { linkToken } from '../support/links';
import { invoke } from '../support/invoke';
import { randomDanishMobile } from '../support/sms';

/** A member of a new org whose policy forces an authenticator app, with none enrolled. */
async function memberOfOrgForcing2fa() {
  const { orgId, member } = await newOrg();
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.policy(orgId), methods: ['totp'], forced: true, forcedAt: new Date(0).toISOString(), sequence: 1 },
    }),
  );
  forgetCachedPolicy(orgId);
  return member;
}

describe('POST /api/auth/login', () => {
  it('answers full tokens when no second factor is needed', async () => {
    const { member } = await newOrg();
    const response = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, isTwoFactorEnable: false });
    const header = decodeProtectedHeader(response.body.accessToken);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(response.body.accessToken);
    expect(claims).toMatchObject({
      sub: String(member.userId),
      org: member.orgId,
      role: 'member',
      aal: 1,
      amr: ['pwd'],
      sid: expect.any(String),
      auth_time: expect.any(Number),
      iss: 'http://127.0.0.1:3000',
      aud: 'twofactor-api',
    });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('answers a pending token, and no refresh token, when the org forces 2FA', async () => {
    const member = await memberOfOrgForcing2fa();
    const body = await login(member);
    expect(body).toMatchObject({ twoFactorRequired: true, twoFactorSetupRequired: true, methods: [], expiresIn: 300 });
    expect(body.refreshToken).toBeUndefined();
    expect(body.accessToken).toBeUndefined();
    expect(decodeJwt(body.pendingToken!)).toMatchObject({ scope: '2fa', aal: 1, aud: 'http://127.0.0.1:3000' });
    expect(decodeProtectedHeader(body.pendingToken!)).toMatchObject({ alg: 'ES256', typ: 'pending+jwt' });

    // The pending token cannot reach a full-access route.
    const refused = await invoke('GET /api/users/{id}', { params: { id: member.userId }, token: body.pendingToken });
    expect(refused).toMatchObject({ status: 403, body: { code: 'two_factor_required' } });
  });

  it("gives relying parties no pending token to take for an access token: it verifies against the JWKS, but not as RFC 9068's at+jwt for the API", async () => {
    const pending = (await login(await memberOfOrgForcing2fa())).pendingToken!;
    const jwks = createLocalJWKSet((await invoke('GET /.well-known/jwks.json')).body);
    const asRelyingParty = (token: string, checks: { typ?: string; audience?: string }) =>
      jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: 'http://127.0.0.1:3000', ...checks }).then(
        () => 'accepted',
        (error: Error) => error.name,
      );
    await expect(asRelyingParty(pending, {})).resolves.toBe('accepted'); // the signature is ours
    await expect(asRelyingParty(pending, { typ: 'at+jwt' })).resolves.toBe('JWTClaimValidationFailed');
    await expect(asRelyingParty(pending, { audience: 'twofactor-api' })).resolves.toBe('JWTClaimValidationFailed');
    const access = await accessToken((await newOrg()).admin);
    await expect(asRelyingParty(access, { typ: 'at+jwt', audience: 'twofactor-api' })).resolves.toBe('accepted');

    // Signed with our own key (as only a key holder could): a pending+jwt of no known scope is no token.
    const { signJwt } = await import('../../shared/tokens/jws');
    const { activeSigningKey } = await import('../../shared/tokens/signing-keys');
    const key = await activeSigningKey();
    const claims = decodeJwt(pending);
    for (const scope of ['admin', undefined]) {
      const token = signJwt({ typ: 'pending+jwt', kid: key.kid }, { ...(claims as Parameters<typeof signJwt>[1]), scope }, key.privateKey);
      const response = await invoke('POST /2fa/authenticate', { token, body: { code: '123456' } });
      expect(response).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    }
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const { member } = await newOrg();
    const wrong = await invoke('POST /api/auth/login', { body: { email: member.email, password: 'wrong-password' } });
    const unknown = await invoke('POST /api/auth/login', { body: { email: uniqueEmail(), password: 'wrong-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { instance: _a, ...wrongBody } = wrong.body;
    const { instance: _b, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);
    expect(wrongBody).toMatchObject({ code: 'invalid_credentials', detail: 'Invalid email or password' });
  });

  it('throttles failed logins per account with 429 and Retry-After, even with the right password', async () => {
    const { member } = await newOrg();
    for (let i = 0; i < 10; i++) {
      const response = await invoke('POST /api/auth/login', { body: { email: member.email, password: `wrong-${i}` } });
      expect(response.status).toBe(401);
    }
    const throttled = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
    expect(throttled).toMatchObject({ status: 429, body: { code: 'too_many_requests' } });
    expect(Number(throttled.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('throttles failed logins per source address across accounts', async () => {
    const sourceIp = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const attempts = Array.from({ length: 50 }, (_, i) =>
      invoke('POST /api/auth/login', { body: { email: uniqueEmail(`spray${i}`), password: 'guess' }, sourceIp }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    const next = await invoke('POST /api/auth/login', { body: { email: uniqueEmail(), password: 'guess' }, sourceIp });
    expect(next.status).toBe(429);
  });
});

describe('refresh tokens', () => {
  const REUSE_INTERVAL = config().REFRESH_TOKEN_REUSE_INTERVAL;

  it('rotate on every use; replaying a rotated one after the reuse interval revokes the whole session', async () => {
    const clock = testClock();
    try {
      const { member } = await newOrg();
      const first = await login(member);
      const second = await invoke('POST /api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(decodeJwt(second.body.accessToken)).toMatchObject({ sid: decodeJwt(first.accessToken!).sid });

      clock.advance(REUSE_INTERVAL + 1);
      const replay = await invoke('POST /api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(replay).toMatchObject({ status: 401, body: { code: 'invalid_refresh_token' } });
      // The family is dead: the newest token no longer works either.
      const after = await invoke('POST /api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      expect(after.status).toBe(401);
    } finally {
      clock.restore();
    }
  });

  it('a benign race does not sign the user out: parallel refreshes with one token all get the same successor, and the session lives', async () => {
    const { member } = await newOrg();
    const { refreshToken, accessToken: first } = await login(member);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invoke('POST /api/auth/refresh', { body: { refreshToken } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const successors = new Set(results.map((r) => r.body.refreshToken as string));
    expect(successors.size).toBe(1);
    const [successor] = successors;
    expect(successor).not.toBe(refreshToken);
    for (const r of results) expect(decodeJwt(r.body.accessToken)).toMatchObject({ sid: decodeJwt(first!).sid });
    const next = await invoke('POST /api/auth/refresh', { body: { refreshToken: successor } });
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(successor);
  });

  it('a repeat within the reuse interval gets the same successor; after it, the repeat revokes the session', async () => {
    const clock = testClock();
    try {
      const { member } = await newOrg();
      const { refreshToken } = await login(member);
      const rotated = await invoke('POST /api/auth/refresh', { body: { refreshToken } });
      clock.advance(REUSE_INTERVAL - 1);
      const repeat = await invoke('POST /api/auth/refresh', { body: { refreshToken } });
      expect(repeat).toMatchObject({ status: 200, body: { refreshToken: rotated.body.refreshToken } });

      clock.advance(2);
      expect((await invoke('POST /api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
      expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
    } finally {
      clock.restore();
    }
  });

  it('the reuse interval covers only a successor not yet used: replaying the parent once the successor has rotated revokes the session', async () => {
    const { member } = await newOrg();
    const { refreshToken } = await login(member);
    const second = await invoke('POST /api/auth/refresh', { body: { refreshToken } });
    const third = await invoke('POST /api/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(third.status).toBe(200);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: third.body.refreshToken } })).status).toBe(401);
  });

  it.each(['', 'garbage', '1.not-a-uuid.xyz', `999999.${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.${'A'.repeat(43)}`])(
    'refuse a malformed or unknown token %j',
    async (refreshToken) => {
      const response = await invoke('POST /api/auth/refresh', { body: { refreshToken } });
      expect([400, 401]).toContain(response.status);
    },
  );

  it('stop working after logout', async () => {
    const { member } = await newOrg();
    const tokens = await login(member);
    expect((await invoke('POST /api/auth/logout', { token: tokens.accessToken })).status).toBe(204);
    const refresh = await invoke('POST /api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refresh.status).toBe(401);
  });
});

describe('access token verification', () => {
  async function forged(claims: Record<string, unknown>, options: { kid?: string; exp?: number; aud?: string } = {}) {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: options.kid ?? 'attacker' })
      .setIssuer('http://127.0.0.1:3000')
      .setAudience(options.aud ?? 'twofactor-api')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '10m')
      .sign(privateKey);
  }

  it('refuses a token signed by another key, even with our kid', async () => {
    const { admin } = await newOrg();
    const real = await accessToken(admin);
    const claims = decodeJwt(real);
    const token = await forged(claims, { kid: decodeProtectedHeader(real).kid });
    const response = await invoke('GET /api/users/{id}', { params: { id: admin.userId }, token });
    expect(response).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  });

  it('refuses alg none', async () => {
    const { admin } = await newOrg();
    const claims = decodeJwt(await accessToken(admin));
    const token = new UnsecuredJWT(claims).setIssuer('http://127.0.0.1:3000').setAudience('twofactor-api').encode();
    expect((await invoke('GET /api/users/{id}', { params: { id: admin.userId }, token })).status).toBe(401);
  });

  it('refuses an expired token and a token for another audience', async () => {
    const { admin } = await newOrg();
    const real = await accessToken(admin);
    const { setClock } = await import('../../shared/clock');
    setClock({ now: () => new Date(Date.now() + 16 * 60 * 1000) });
    try {
      const expired = await invoke('GET /api/users/{id}', { params: { id: admin.userId }, token: real });
      expect(expired).toMatchObject({ status: 401, body: { detail: 'The token has expired' } });
    } finally {
      setClock();
    }
    const claims = decodeJwt(real);
    const { exp: _e, iat: _i, iss: _s, aud: _a, ...rest } = claims;
    const wrongAudience = await forged(rest, { aud: 'another-api', kid: decodeProtectedHeader(real).kid });
    expect((await invoke('GET /api/users/{id}', { params: { id: admin.userId }, token: wrongAudience })).status).toBe(401);
  });

  it('publishes the signing key in the JWKS without private parts', async () => {
    const { admin } = await newOrg();
    const kid = decodeProtectedHeader(await accessToken(admin)).kid;
    const { body } = await invoke('GET /.well-known/jwks.json');
    const key = body.keys.find((k: { kid: string }) => k.kid === kid);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key.d).toBeUndefined();
    expect(Object.keys(await exportJWK((await generateKeyPair('ES256')).publicKey)).sort()).toEqual(
      Object.keys(key).filter((k) => !['kid', 'alg', 'use'].includes(k)).sort(),
    );
  });
});

describe('users and permissions', () => {
  it('an admin invites a member to its org; the member sets a password through the emailed link and signs in', async () => {
    const { admin, orgId } = await newOrg();
    const email = uniqueEmail('created');
    const response = await invoke('POST /api/users', { token: await accessToken(admin), body: { email } });
    expect(response).toMatchObject({ status: 201, body: { user: { email, orgId, role: 'member', status: 'invited' } } });
    expect(response.body.user.password).toBeUndefined();
    const token = await linkToken(email, 'invitation');
    expect((await invoke('POST /api/auth/invitation/accept', { body: { token, password: 'my own long passphrase' } })).status).toBe(200);
    const tokens = await login({ email, password: 'my own long passphrase' });
    expect(tokens.accessToken).toBeDefined();
  });

  it('refuses a duplicate email (also differently cased) with 409', async () => {
    const { admin, member } = await newOrg();
    const token = await accessToken(admin);
    const response = await invoke('POST /api/users', { token, body: { email: member.email.toUpperCase() } });
    expect(response).toMatchObject({ status: 409, body: { code: 'already_exists' } });
  });

  it('two racing creations of one email: exactly one wins', async () => {
    const { admin } = await newOrg();
    const token = await accessToken(admin);
    const email = uniqueEmail('race');
    const results = await Promise.all([1, 2, 3].map(() => invoke('POST /api/users', { token, body: { email } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('a member cannot create users', async () => {
    const { member } = await newOrg();
    const response = await invoke('POST /api/users', { token: await accessToken(member), body: { email: uniqueEmail() } });
    expect(response).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('an admin cannot act on another org', async () => {
    const a = await newOrg();
    const b = await newOrg();
    const token = await accessToken(a.admin);
    const create = await invoke('POST /api/users', { token, body: { email: uniqueEmail(), orgId: b.orgId } });
    expect(create.status).toBe(403);
    const read = await invoke('GET /api/users/{id}', { token, params: { id: b.member.userId } });
    expect(read).toMatchObject({ status: 404 });
  });

  it('an admin cannot create support staff; support can create users in any org', async () => {
    const org = await newOrg();
    const adminToken = await accessToken(org.admin);
    expect((await invoke('POST /api/users', { token: adminToken, body: { email: uniqueEmail(), role: 'support' } })).status).toBe(403);
    const support = await newUser(`Support ${org.name}`, 'support');
    const supportToken = await accessToken(support);
    const created = await invoke('POST /api/users', { token: supportToken, body: { email: uniqueEmail(), orgId: org.orgId } });
    expect(created).toMatchObject({ status: 201, body: { user: { orgId: org.orgId } } });
  });

  it('a user reads itself; a member cannot read a colleague', async () => {
    const { admin, member } = await newOrg();
    const token = await accessToken(member);
    expect((await invoke('GET /api/users/{id}', { token, params: { id: member.userId } })).status).toBe(200);
    expect((await invoke('GET /api/users/{id}', { token, params: { id: admin.userId } })).status).toBe(404);
  });
});

describe('secrets at rest', () => {
  it('no password, refresh token, access token, private key or phone number is stored in plaintext', async () => {
    const { member, admin } = await newOrg();
    const tokens = await login(member);
    const refreshed = await invoke('POST /api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    // A phone number enrolled and sent to: the factor item and the per-number rate counters.
    await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(admin), params: { method: 'sms' } });
    forgetCachedPolicy(member.orgId);
    const phone = randomDanishMobile();
    const smsToken = await accessToken(member);
    expect((await invoke('PATCH /api/two-factor', { token: smsToken, body: { method: 'sms', phone_prefix: 45, phone } })).status).toBe(204);
    expect((await invoke('POST /api/two-factor/send-verification', { token: smsToken })).status).toBe(204);
    const items = (await db().send(new ScanCommand({ TableName: tableName() }))).Items ?? [];
    const raw = JSON.stringify(items, (_k, v) => (v instanceof Set ? [...v] : v));
    for (const secret of [member.password, tokens.refreshToken!, refreshed.body.refreshToken, tokens.accessToken!, phone]) {
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain(secret.split('.').pop());
    }
    // The private signing key: no JWK "d" member anywhere.
    expect(raw).not.toMatch(/"d":"/);
  });
});
