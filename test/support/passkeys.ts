/** Passkey sign-in in tests: the org's switch, a passkey registered with the software authenticator, a sign-in with it. */
import { randomInt } from 'node:crypto';
import type { BootstrappedUser } from '../../shared/identity/bootstrap';
import { accessToken, policyChangeSettles } from './fixtures';
import { invoke, type InvokeResult } from './invoke';
import { SoftAuthenticator, type Misbehaviour } from './soft-authenticator';

export const ORIGIN = 'http://localhost:3000';

async function expectOk(response: Promise<InvokeResult>, what: string): Promise<InvokeResult> {
  const answer = await response;
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Turns the org's passkey sign-in on (or off) through the Ziik settings route, as its admin. */
export async function setPasswordless(admin: BootstrappedUser, on = true): Promise<void> {
  await expectOk(invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { passwordless: on } }), 'PATCH passwordless');
  await policyChangeSettles(admin.orgId);
}

/** Registers a key; `passkey` asks for a passkey (the answer says whether it became one). */
export async function registerKey(token: string, key = new SoftAuthenticator(ORIGIN), options: { passkey?: boolean; as?: Misbehaviour } = {}) {
  const started = await expectOk(
    invoke('POST /api/two-factor/webauthn/register/options', { token, ...(options.passkey !== undefined && { body: { passkey: options.passkey } }) }),
    'register options',
  );
  const registered = await expectOk(
    invoke('POST /api/two-factor/webauthn/register', { token, body: { response: key.register(started.body, options.as), name: 'Passkey' } }),
    'register',
  );
  return { key, options: started.body, registered: registered.body };
}

/** Fresh passkey sign-in options (public: no token). */
export const passkeyOptions = () => expectOk(invoke('POST /api/auth/passkey/options', {}), 'passkey options');

/** An address of its own, so a test's failed sign-ins use up no other test's per-address budget. */
export const ownAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A whole passkey sign-in: options, then the key's assertion over them. */
export async function signInWithPasskey(key: SoftAuthenticator, as: Misbehaviour = {}, sourceIp = ownAddress()): Promise<InvokeResult> {
  const options = await passkeyOptions();
  return invoke('POST /api/auth/passkey', { body: { response: key.authenticate(options.body, as) }, sourceIp });
}
