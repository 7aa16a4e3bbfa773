/**
 * The answers of the routes the self-service page calls match functions/response-schemas.ts, which
 * the page takes its types from: a handler that changes its answer's shape without the schema (or
 * the other way round) fails here.
 */
import type * as z from 'zod/mini';
import * as s from '../../functions/response-schemas';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, newUser } from '../support/fixtures';
import { invoke, type InvokeResult } from '../support/invoke';
import { ownAddress, registerKey, setPasswordless } from '../support/passkeys';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { secretOf, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** The schema's complaints about an answer (none when it matches), with the status checked first. */
function issues(schema: z.ZodMiniType, answer: InvokeResult, status = 200) {
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
  const parsed = schema.safeParse(answer.body);
  return parsed.success ? [] : parsed.error.issues;
}

it('password login, refresh, TOTP enrolment, settings, a login with TOTP, and recovery codes', async () => {
  const { member } = await newOrg();
  const loggedIn = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
  expect(issues(s.LoginResponse, loggedIn)).toEqual([]);
  expect(issues(s.TokensResponse, await invoke('POST /api/auth/refresh', { body: { refreshToken: loggedIn.body.refreshToken } }))).toEqual([]);
  const token = loggedIn.body.accessToken as string;

  expect(issues(s.TwoFactorSettingsResponse, await invoke('GET /api/two-factor', { token }))).toEqual([]);
  const qr = await invoke('GET /2fa/generate-qr', { token });
  expect(issues(s.QrResponse, qr)).toEqual([]);
  const unverified = await invoke('GET /api/two-factor', { token });
  expect(unverified.body.data.secret_key).toEqual(expect.any(String));
  expect(issues(s.TwoFactorSettingsResponse, unverified)).toEqual([]);
  const secret = secretOf(qr.body.link);
  expect(issues(s.EnableTwoFactorResponse, await invoke('POST /2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secret) } }))).toEqual([]);
  expect(issues(s.TwoFactorSettingsResponse, await invoke('GET /api/two-factor', { token }))).toEqual([]);

  clock.nextStep();
  const pending = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
  expect(pending.body.pendingToken).toEqual(expect.any(String));
  expect(issues(s.LoginResponse, pending)).toEqual([]);
  const authenticated = await invoke('POST /2fa/authenticate', { token: pending.body.pendingToken, body: { code: await totpCode(secret) } });
  expect(issues(s.AuthenticateResponse, authenticated)).toEqual([]);

  const strong = authenticated.body.accessToken as string;
  const generated = await invoke('POST /api/two-factor/recovery-codes', { token: strong, body: {} });
  expect(issues(s.RecoveryCodesResponse, generated, 201)).toEqual([]);
  expect(issues(s.RecoveryCountResponse, await invoke('GET /api/two-factor/recovery-codes', { token: strong }))).toEqual([]);
  const withRecovery = await invoke('POST /2fa/authenticate', { token: (await login(member)).pendingToken, body: { code: generated.body.data.codes[0] } });
  expect(withRecovery.body.recoveryCodesRemaining).toBe(9);
  expect(issues(s.AuthenticateResponse, withRecovery)).toEqual([]);
});

it('security keys: registration and the list', async () => {
  const { member } = await newOrg();
  const token = await accessToken(member);
  const key = new SoftAuthenticator('http://localhost:3000');
  const options = await invoke('POST /api/two-factor/webauthn/register/options', { token });
  const registered = await invoke('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(options.body), name: 'Desk key' } });
  expect(issues(s.KeyRegisteredResponse, registered, 201)).toEqual([]);
  const listed = await invoke('GET /api/two-factor/webauthn', { token });
  expect(listed.body.data).toHaveLength(1);
  expect(issues(s.SecurityKeysResponse, listed)).toEqual([]);
});

it('passkey sign-in: a passkey registered and listed, the options, the tokens', async () => {
  const { admin, member } = await newOrg();
  await setPasswordless(admin);
  const { key, registered } = await registerKey(await accessToken(member), new SoftAuthenticator('http://localhost:3000'), { passkey: true });
  expect(s.KeyRegisteredResponse.safeParse(registered).success).toBe(true);
  const options = await invoke('POST /api/auth/passkey/options');
  expect(options.status).toBe(200);
  const signedIn = await invoke('POST /api/auth/passkey', { body: { response: key.authenticate(options.body) }, sourceIp: ownAddress() });
  expect(issues(s.PasskeySignInResponse, signedIn)).toEqual([]);
  expect(issues(s.SecurityKeysResponse, await invoke('GET /api/two-factor/webauthn', { token: signedIn.body.accessToken }))).toEqual([]);
  expect(issues(s.SessionsResponse, await invoke('GET /api/auth/sessions', { token: signedIn.body.accessToken }))).toEqual([]);
});

it('forced 2FA: the pending login, and enrolments that finish it', async () => {
  const { admin, member, name } = await newOrg();
  await invoke('POST /api/settings/twofactor/force', { token: await accessToken(admin) });
  forgetCachedPolicy(member.orgId);

  const pending = await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } });
  expect(pending.body.twoFactorSetupRequired).toBe(true);
  expect(issues(s.LoginResponse, pending)).toEqual([]);
  const byKey = (await login(member)).pendingToken;
  const key = new SoftAuthenticator('http://localhost:3000');
  const options = await invoke('POST /api/two-factor/webauthn/register/options', { token: byKey });
  const registered = await invoke('POST /api/two-factor/webauthn/register', { token: byKey, body: { response: key.register(options.body) } });
  expect(registered.body.accessToken).toEqual(expect.any(String));
  expect(issues(s.KeyRegisteredResponse, registered, 201)).toEqual([]);


  // Another member without a factor (this one has a key now).
  const byApp = (await login(await newUser(name))).pendingToken;
  const qr = await invoke('GET /2fa/generate-qr', { token: byApp });
  const enabled = await invoke('POST /2fa/enable-two-factor-auth', { token: byApp, body: { code: await totpCode(secretOf(qr.body.link)) } });
  expect(enabled.body.accessToken).toEqual(expect.any(String));
  expect(issues(s.EnableTwoFactorResponse, enabled)).toEqual([]);
});

it('errors are problem details', async () => {
  const { member } = await newOrg();
  const refused = await invoke('POST /api/auth/login', { body: { email: member.email, password: 'wrong-password' } });
  expect(issues(s.Problem, refused, 401)).toEqual([]);
  const invalid = await invoke('POST /api/auth/login', { body: { email: 'not an email', password: '' } });
  expect(invalid.body.errors).toEqual(expect.any(Array));
  expect(issues(s.Problem, invalid, 400)).toEqual([]);
});
