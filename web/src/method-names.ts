/**
 * Sign-in methods in words: the API's names (Ziik's `google`/`u2f`, the factors' kinds) and the
 * RFC 8176 `amr` values a session records.
 */
const METHOD_NAMES: Record<string, string> = {
  google: 'Authenticator app',
  totp: 'Authenticator app',
  otp: 'Authenticator app',
  sms: 'SMS',
  u2f: 'Security key',
  webauthn: 'Security key',
  hwk: 'Security key',
  email: 'Email code',
  passkey: 'Passkey',
  recovery: 'Recovery code',
  pwd: 'Password',
  password: 'Password',
  device: 'Remembered device',
  dev: 'Remembered device',
  impersonation: 'Support impersonation',
};

/** The method's name for people (an unknown one as the API spells it). */
export const methodName = (method: string): string => METHOD_NAMES[method] ?? method;
