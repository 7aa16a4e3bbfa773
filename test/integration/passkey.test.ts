/**
 * Passkey sign-in (passwordless): registering a passkey, signing in with it alone (aal 2, amr
 * ["hwk","user"]), and every way a sign-in is refused: no user verification, a key that is a second
 * factor only, a deactivated user, the org's switch off, a replayed assertion, another origin or RP
 * ID, a sign count that goes back, hostile bodies, and an address over its failure budget.
 */
import { decodeJwt } from 'jose';
import { config } from '../../shared/config';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { accessToken, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { ORIGIN, ownAddress, passkeyOptions, registerKey, setPasswordless, signInWithPasskey } from '../support/passkeys';
import { SoftAuthenticator } from '../support/soft-authenticator';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** An org that allows passkey sign-in, and a member with a passkey. */
async function memberWithPasskey() {
  const org = await newOrg();
  await setPasswordless(org.admin);
  const { key, registered } = await registerKey(await accessToken(org.member), new SoftAuthenticator(ORIGIN), { passkey: true });
  expect(registered.data.passkey).toBe(true);
  return { ...org, key };
}

describe('registering a passkey', () => {
  it('{"passkey": true} asks for a resident key with user verification; plain options keep asking for a second factor', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const passkey = await invoke('POST /api/two-factor/webauthn/register/options', { token, body: { passkey: true } });
    expect(passkey.body).toMatchObject({
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      extensions: { credProps: true },
    });
    const plain = await invoke('POST /api/two-factor/webauthn/register/options', { token });
    expect(plain.body.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
  });

  it('marks the key a passkey only when asked and the response shows user verification and no non-resident key', async () => {
    const { member, orgId } = await newOrg();
    const token = await accessToken(member);
    const asked = await registerKey(token, new SoftAuthenticator(ORIGIN), { passkey: true, as: { rk: true } });
    const notAsked = await registerKey(token, new SoftAuthenticator(ORIGIN));
    const noUv = await registerKey(token, new SoftAuthenticator(ORIGIN), { passkey: true, as: { uv: false } });
    const notResident = await registerKey(token, new SoftAuthenticator(ORIGIN), { passkey: true, as: { rk: false } });
    expect([asked, notAsked, noUv, notResident].map((r) => r.registered.data.passkey)).toEqual([true, false, false, false]);

    const listed = (await invoke('GET /api/two-factor/webauthn', { token })).body.data as { id: string; passkey: boolean }[];
    expect(Object.fromEntries(listed.map((k) => [k.id, k.passkey]))).toEqual({
      [asked.key.id]: true,
      [notAsked.key.id]: false,
      [noUv.key.id]: false,
      [notResident.key.id]: false,
    });
    const verified = (await storedAuditEvents(orgId)).filter((e) => e.action === 'factor.verified');
    expect(verified.filter((e) => (e.details as { passkey?: boolean }).passkey === true)).toHaveLength(1);
  });

  it('refuses a body that is not an object of booleans', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const wrong = await invoke('POST /api/two-factor/webauthn/register/options', { token, body: { passkey: 'yes' } });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });
});

describe('signing in with a passkey', () => {
  it('the options name no account: empty allowCredentials, user verification required', async () => {
    const options = await passkeyOptions();
    expect(options.body).toMatchObject({ rpId: 'localhost', allowCredentials: [], userVerification: 'required', challenge: expect.any(String) });
  });

  it('with user verification: full tokens, aal 2, amr ["hwk","user"], audited as login.passkey, the key marked used', async () => {
    const { member, orgId, key } = await memberWithPasskey();
    const answer = await signInWithPasskey(key);
    expect(answer).toMatchObject({ status: 200, body: { accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer' } });
    expect(decodeJwt(answer.body.accessToken)).toMatchObject({ sub: String(member.userId), org: orgId, aal: 2, amr: ['hwk', 'user'] });
    const events = (await storedAuditEvents(orgId)).filter((e) => e.action === 'login.passkey');
    expect(events).toEqual([expect.objectContaining({ actorId: member.userId, targetUserId: member.userId, details: { credential: key.id.slice(0, 16) } })]);

    const token = answer.body.accessToken as string;
    const keys = await invoke('GET /api/two-factor/webauthn', { token });
    expect(keys.body.data[0].lastUsedAt).toEqual(expect.any(String));
    const sessions = await invoke('GET /api/auth/sessions', { token });
    expect(sessions.body.sessions).toContainEqual(expect.objectContaining({ method: 'passkey', current: true }));
    // The refresh token works like any other.
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: answer.body.refreshToken } })).status).toBe(200);
  });

  it('without user verification: refused (401 user_verification_required), never a weaker session', async () => {
    const { orgId, key } = await memberWithPasskey();
    const answer = await signInWithPasskey(key, { uv: false });
    expect(answer).toMatchObject({ status: 401, body: { code: 'user_verification_required' } });
    expect((await storedAuditEvents(orgId)).filter((e) => e.action === 'login.passkey')).toEqual([]);
  });

  it('a key registered as a second factor only: refused (403 not_a_passkey)', async () => {
    const { admin, member } = await newOrg();
    await setPasswordless(admin);
    const { key } = await registerKey(await accessToken(member), new SoftAuthenticator(ORIGIN));
    const answer = await signInWithPasskey(key);
    expect(answer).toMatchObject({ status: 403, body: { code: 'not_a_passkey' } });
  });

  it('a deactivated user’s passkey: refused (403 account_deactivated)', async () => {
    const { admin, member, key } = await memberWithPasskey();
    const deactivated = await invoke('POST /api/users/{id}/deactivate', { token: await accessToken(admin), params: { id: member.userId } });
    expect(deactivated.status).toBeLessThan(300);
    expect(await signInWithPasskey(key)).toMatchObject({ status: 403, body: { code: 'account_deactivated' } });
  });

  it('the org’s switch off (the default, or turned off again): refused (403 passwordless_not_allowed)', async () => {
    const { admin, key } = await memberWithPasskey();
    await setPasswordless(admin, false);
    expect(await signInWithPasskey(key)).toMatchObject({ status: 403, body: { code: 'passwordless_not_allowed' } });

    // Off by default.
    const other = await newOrg();
    const { key: otherKey } = await registerKey(await accessToken(other.member), new SoftAuthenticator(ORIGIN), { passkey: true });
    expect(await signInWithPasskey(otherKey)).toMatchObject({ status: 403, body: { code: 'passwordless_not_allowed' } });
  });

  it('security keys disallowed by the policy: refused even with the switch on', async () => {
    const { admin, key } = await memberWithPasskey();
    expect((await invoke('DELETE /api/settings/twofactor/{method}', { token: await accessToken(admin), params: { method: 'u2f' } })).status).toBe(204);
    await setPasswordless(admin, true);
    expect(await signInWithPasskey(key)).toMatchObject({ status: 403, body: { code: 'passwordless_not_allowed' } });
  });

  it('a replayed assertion (its challenge spent) is refused; so is a second assertion over one challenge', async () => {
    const { key } = await memberWithPasskey();
    const options = await passkeyOptions();
    const assertion = key.authenticate(options.body);
    const sourceIp = ownAddress();
    expect((await invoke('POST /api/auth/passkey', { body: { response: assertion }, sourceIp })).status).toBe(200);
    const replay = await invoke('POST /api/auth/passkey', { body: { response: assertion }, sourceIp });
    expect(replay).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    const again = await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(options.body) }, sourceIp });
    expect(again).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
  });

  it('of parallel sign-ins over one challenge, exactly one succeeds', async () => {
    const { key } = await memberWithPasskey();
    const options = await passkeyOptions();
    // Each copy from a clone at the same count: only the challenge (and the counter) decide.
    const assertions = Array.from({ length: 5 }, () => key.clone().authenticate(options.body));
    const answers = await Promise.all(assertions.map((a) => invoke('POST /api/auth/passkey', { body: { response: a }, sourceIp: ownAddress() })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('refuses an expired challenge', async () => {
    const { key } = await memberWithPasskey();
    const options = await passkeyOptions();
    clock.advance(301);
    const answer = await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(options.body) }, sourceIp: ownAddress() });
    expect(answer).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
  });

  it('refuses another origin and another RP ID', async () => {
    const { key } = await memberWithPasskey();
    expect(await signInWithPasskey(key, { origin: 'https://evil.test' })).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    expect(await signInWithPasskey(key, { rpId: 'evil.test' })).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    // The challenge was not spent by those: the key still signs in.
    expect((await signInWithPasskey(key)).status).toBe(200);
  });

  it('refuses a sign count that goes back (a cloned authenticator)', async () => {
    const { key } = await memberWithPasskey();
    const clone = key.clone();
    expect((await signInWithPasskey(key)).status).toBe(200);
    expect((await signInWithPasskey(key)).status).toBe(200);
    expect(await signInWithPasskey(clone)).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
  });

  it('refuses a user handle naming another user, or none of ours', async () => {
    const { key } = await memberWithPasskey();
    const other = await memberWithPasskey();
    expect((await signInWithPasskey(key, { userHandle: other.key.userHandle })).status).toBe(401);
    expect((await signInWithPasskey(key, { userHandle: Buffer.from('user-999999999').toString('base64url') })).status).toBe(401);
    expect((await signInWithPasskey(key, { userHandle: Buffer.from('admin').toString('base64url') })).status).toBe(401);
  });

  it('an address over its failed sign-in budget (shared with password login) gets 429 with Retry-After, options too', async () => {
    const { key } = await memberWithPasskey();
    const sourceIp = ownAddress();
    const never = { challenge: 'A'.repeat(43) }; // a challenge never issued
    for (let i = 0; i < config().LOGIN_MAX_FAILURES_PER_IP; i++) {
      expect((await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(never) }, sourceIp })).status).toBe(401);
    }
    const options = await invoke('POST /api/auth/passkey/options', { sourceIp });
    expect(options).toMatchObject({ status: 429, headers: { 'Retry-After': expect.any(String) } });
    const fresh = await passkeyOptions();
    const blocked = await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(fresh.body) }, sourceIp });
    expect(blocked.status).toBe(429);
    const password = await invoke('POST /api/auth/login', { body: { email: 'nobody@example.test', password: 'wrong password' }, sourceIp });
    expect(password.status).toBe(429);
    // Another address is not affected.
    expect((await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(fresh.body) }, sourceIp: ownAddress() })).status).toBe(200);
  });

  it('hostile bodies get a 4xx naming the problem, and never a 5xx', async () => {
    const { key } = await memberWithPasskey();
    const options = await passkeyOptions();
    const good = key.authenticate(options.body);
    const bodies: unknown[] = [
      {},
      { response: 'x' },
      { response: { ...good, id: 42 } },
      { response: { ...good, type: 'password' } },
      { response: { ...good, response: { ...good.response, signature: 'not base64url!' } } },
      { response: { ...good, response: { ...good.response, userHandle: undefined } } },
      { response: { ...good, response: { ...good.response, clientDataJSON: Buffer.from('not json').toString('base64url') } } },
      { response: { ...good, response: { ...good.response, authenticatorData: 'AAAA' } } },
      { response: { ...good, response: { ...good.response, clientDataJSON: 'A'.repeat(5000) } } },
      [good],
    ];
    for (const body of bodies) {
      const answer = await invoke('POST /api/auth/passkey', { body, sourceIp: ownAddress() });
      expect({ body, status: answer.status }).toEqual({ body, status: expect.any(Number) });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.code).toEqual(expect.any(String));
    }
    const huge = await invoke('POST /api/auth/passkey', { rawBody: JSON.stringify({ response: { id: 'A'.repeat(2_000_000) } }), sourceIp: ownAddress() });
    expect(huge).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    // None of that spent the challenge.
    expect((await invoke('POST /api/auth/passkey', { body: { response: good }, sourceIp: ownAddress() })).status).toBe(200);
  });
});
