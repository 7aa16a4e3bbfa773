/** Helpers to enrol and use a TOTP factor through the API, as a client would. */
import { generate } from 'otplib';
import { now } from '../../shared/clock';
import { invoke } from './invoke';
import { login } from './fixtures';

export const totpCode = (secret: string, at: Date = now()) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

export const secretOf = (link: string) => new URL(link).searchParams.get('secret')!;

/** Enrols and verifies TOTP through /2fa; answers the secret. The current step's code is used up. */
export async function enrolTotp(token: string): Promise<string> {
  const qr = await invoke('GET /2fa/generate-qr', { token });
  if (qr.status !== 200) throw new Error(`generate-qr: ${JSON.stringify(qr.body)}`);
  const secret = secretOf(qr.body.link);
  const enabled = await invoke('POST /2fa/enable-two-factor-auth', { token, body: { code: await totpCode(secret) } });
  if (enabled.status !== 200) throw new Error(`enable: ${JSON.stringify(enabled.body)}`);
  return secret;
}

/** Password, then the TOTP code: aal 2 tokens. */
export async function loginWithTotp(user: { email: string; password: string }, secret: string) {
  const pending = await login(user);
  const response = await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: await totpCode(secret) } });
  if (response.status !== 200) throw new Error(`authenticate: ${JSON.stringify(response.body)}`);
  return response.body as { accessToken: string; refreshToken: string };
}
