/** Security keys and passkeys: registration, login with a key, and every way a response is refused. */
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { SoftAuthenticator } from '../support/soft-authenticator';

const ORIGIN = 'http://localhost:3000';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

async function register(token: string, key: SoftAuthenticator, name = 'YubiKey') {
  const options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
  expect(options.status).toBe(200);
  return invoke('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(options.body), name } });
}

/** A member with one registered key. */
async function memberWithKey() {
  const org = await newOrg();
  const key = new SoftAuthenticator(ORIGIN);
  expect((await register(await accessToken(org.member), key)).status).toBe(201);
  return { ...org, key };
}

async function keyLogin(user: { email: string; password: string }, assertion: (options: { challenge: string }) => unknown) {
  const pending = (await login(user)).pendingToken!;
  const options = await invoke('POST /2fa/webauthn/options', { token: pending });
  return invoke('POST /2fa/authenticate', { token: pending, body: { webauthn: assertion(options.body) } });
}

describe('registration', () => {
  it('registers a key: 201 with its id, name and creation date; listed; excluded from the next options', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const key = new SoftAuthenticator(ORIGIN);
    const options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    expect(options.body).toMatchObject({ rp: { id: 'localhost', name: 'TwoFactor' }, user: { name: member.email }, excludeCredentials: [] });
    const response = await invoke('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(options.body), name: 'Desk key' } });
    expect(response).toMatchObject({ status: 201, body: { data: { id: key.id, name: 'Desk key', createdAt: expect.any(String) } } });
    expect((await invoke('GET /api/two-factor/webauthn', { token })).body.data).toEqual([
      { id: key.id, name: 'Desk key', createdAt: expect.any(String), lastUsedAt: null, passkey: false },
    ]);
    const next = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    expect(next.body.excludeCredentials).toEqual([{ id: key.id, type: 'public-key', transports: ['usb'] }]);
  });

  it('refuses a response from another origin, a reused challenge and an expired one', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const key = new SoftAuthenticator(ORIGIN);

    let options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    const evil = await invoke('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(options.body, { origin: 'https://evil.test' }) } });
    expect(evil).toMatchObject({ status: 400, body: { detail: expect.stringContaining('origin') } });

    options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    const response = key.register(options.body);
    expect((await invoke('POST /api/two-factor/webauthn/register', { token, body: { response } })).status).toBe(201);
    const replay = await invoke('POST /api/two-factor/webauthn/register', { token, body: { response } });
    expect(replay.status).toBe(400);

    options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    clock.advance(301);
    const other = new SoftAuthenticator(ORIGIN);
    const expired = await invoke('POST /api/two-factor/webauthn/register', { token, body: { response: other.register(options.body) } });
    expect(expired).toMatchObject({ status: 400, body: { detail: expect.stringContaining('expired') } });
  });

  it('takes the longest credential ids WebAuthn allows (1023 bytes)', async () => {
    const { member } = await newOrg();
    const key = new SoftAuthenticator(ORIGIN);
    (key as { credentialId: Buffer }).credentialId = randomBytes(1023);
    expect((await register(await accessToken(member), key)).status).toBe(201);
    expect((await keyLogin(member, (o) => key.authenticate(o))).status).toBe(200);
  });

  it('is refused (409) when the org does not allow security keys', async () => {
    const { admin, member } = await newOrg();
    await invoke('DELETE /api/settings/twofactor/{method}', { token: await accessToken(admin), params: { method: 'u2f' } });
    forgetCachedPolicy(member.orgId);
    const response = await invoke('POST /api/two-factor/webauthn/register/options', { token: await accessToken(member) });
    expect(response).toMatchObject({ status: 409, body: { code: 'method_not_allowed_by_policy' } });
  });
});

describe('login with a key', () => {
  it('password, then an assertion: aal 2 tokens with amr hwk', async () => {
    const { member, key } = await memberWithKey();
    const pending = await login(member);
    expect(pending).toMatchObject({ twoFactorRequired: true, methods: ['webauthn'] });
    const options = await invoke('POST /2fa/webauthn/options', { token: pending.pendingToken });
    expect(options.body).toMatchObject({ rpId: 'localhost', allowCredentials: [{ id: key.id, type: 'public-key' }] });
    const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { webauthn: key.authenticate(options.body) } });
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'hwk'] });
  });

  it('refuses a replayed assertion', async () => {
    const { member, key } = await memberWithKey();
    let first: unknown;
    expect((await keyLogin(member, (o) => (first = key.authenticate(o)))).status).toBe(200);
    const pending = (await login(member)).pendingToken!;
    await invoke('POST /2fa/webauthn/options', { token: pending });
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { webauthn: first } })).status).toBe(422);
  });

  it('refuses an expired challenge', async () => {
    const { member, key } = await memberWithKey();
    const pending = (await login(member)).pendingToken!;
    const options = await invoke('POST /2fa/webauthn/options', { token: pending });
    clock.advance(301);
    const repending = (await login(member)).pendingToken!;
    expect((await invoke('POST /2fa/authenticate', { token: repending, body: { webauthn: key.authenticate(options.body) } })).status).toBe(422);
  });

  it('refuses a wrong origin and a wrong RP ID', async () => {
    const { member, key } = await memberWithKey();
    expect((await keyLogin(member, (o) => key.authenticate(o, { origin: 'https://evil.test' }))).status).toBe(422);
    expect((await keyLogin(member, (o) => key.authenticate(o, { rpId: 'evil.test' }))).status).toBe(422);
    expect((await keyLogin(member, (o) => key.authenticate(o))).status).toBe(200);
  });

  it('refuses an unknown credential and another user’s credential', async () => {
    const alice = await memberWithKey();
    const bob = await newUser(alice.name);
    const bobKey = new SoftAuthenticator(ORIGIN);
    expect((await register(await accessToken(bob), bobKey)).status).toBe(201);
    expect((await keyLogin(alice.member, (o) => new SoftAuthenticator(ORIGIN).authenticate(o))).status).toBe(422);
    expect((await keyLogin(alice.member, (o) => bobKey.authenticate(o))).status).toBe(422);
  });

  it('refuses a cloned authenticator whose sign count goes back', async () => {
    const { member, key } = await memberWithKey();
    const clone = key.clone();
    expect((await keyLogin(member, (o) => key.authenticate(o))).status).toBe(200);
    expect((await keyLogin(member, (o) => key.authenticate(o))).status).toBe(200);
    expect((await keyLogin(member, (o) => clone.authenticate(o))).status).toBe(422);
  });

  it('refuses a body with garbage in place of an assertion', async () => {
    const { member } = await memberWithKey();
    for (const webauthn of [{}, { id: 42 }, { id: 'x', response: 'nope' }]) {
      expect((await keyLogin(member, () => webauthn)).status).toBe(422);
    }
  });

  it('removes a key only with a recent second factor', async () => {
    const { member, key, admin } = await memberWithKey();
    const tokens = (await keyLogin(member, (o) => key.authenticate(o))).body;
    await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { checkLifetimeSeconds: 60 } });
    forgetCachedPolicy(member.orgId);
    clock.advance(120);
    const stale = await invoke('DELETE /api/two-factor/webauthn/{id}', { token: tokens.accessToken, params: { id: key.id } });
    expect(stale).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    const fresh = (await keyLogin(member, (o) => key.authenticate(o))).body;
    expect((await invoke('DELETE /api/two-factor/webauthn/{id}', { token: fresh.accessToken, params: { id: key.id } })).status).toBe(204);
    expect((await invoke('GET /api/two-factor/webauthn', { token: fresh.accessToken })).body.data).toEqual([]);
    expect((await invoke('DELETE /api/two-factor/webauthn/{id}', { token: fresh.accessToken, params: { id: key.id } })).status).toBe(404);
  });
});

describe('recovery codes', () => {
  async function memberWithCodes() {
    const ctx = await memberWithKey();
    const tokens = (await keyLogin(ctx.member, (o) => ctx.key.authenticate(o))).body;
    const response = await invoke('POST /api/two-factor/recovery-codes', { token: tokens.accessToken });
    expect(response.status).toBe(201);
    return { ...ctx, token: tokens.accessToken as string, codes: response.body.data.codes as string[] };
  }

  it('generates 10 codes of 60 bits, shown once, counted after', async () => {
    const { codes, token } = await memberWithCodes();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(codes).size).toBe(10);
    expect(await invoke('GET /api/two-factor/recovery-codes', { token })).toMatchObject({ status: 200, body: { data: { remaining: 10 } } });
  });

  it('a code finishes a login once, with amr mfa, and the response counts what is left', async () => {
    const { member, codes, token } = await memberWithCodes();
    const pending = (await login(member)).pendingToken!;
    const response = await invoke('POST /2fa/authenticate', { token: pending, body: { code: codes[0]!.toUpperCase() } });
    expect(response).toMatchObject({ status: 200, body: { recoveryCodesRemaining: 9 } });
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'mfa'] });
    const again = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: codes[0] } });
    expect(again.status).toBe(422);
    expect((await invoke('GET /api/two-factor/recovery-codes', { token })).body.data.remaining).toBe(9);
  });

  it('work whatever the policy allows', async () => {
    const { member, admin, codes } = await memberWithCodes();
    await invoke('DELETE /api/settings/twofactor/{method}', { token: await accessToken(admin), params: { method: 'u2f' } });
    forgetCachedPolicy(member.orgId);
    const pending = await login(member);
    expect(pending.methods).toEqual(['recovery']);
    expect((await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: codes[1] } })).status).toBe(200);
  });

  it('regenerating replaces them all; it needs a recent second factor', async () => {
    const { member, codes, token, admin } = await memberWithCodes();
    const fresh = await invoke('POST /api/two-factor/recovery-codes', { token });
    expect(fresh.status).toBe(201);
    const pending = (await login(member)).pendingToken!;
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { code: codes[2] } })).status).toBe(422);
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { code: fresh.body.data.codes[0] } })).status).toBe(200);

    await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { checkLifetimeSeconds: 60 } });
    forgetCachedPolicy(member.orgId);
    clock.advance(120);
    expect(await invoke('POST /api/two-factor/recovery-codes', { token })).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
  });

  it('need a real second factor first', async () => {
    const { member } = await newOrg();
    const response = await invoke('POST /api/two-factor/recovery-codes', { token: await accessToken(member) });
    expect(response.status).toBe(403); // no aal 2 session: nothing recent to show
  });
});
