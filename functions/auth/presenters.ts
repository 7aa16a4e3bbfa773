import type { LoginResult } from '../../shared/identity/login';

/** A login's answer in the native dialect; an accepted invitation answers the same. */
export const loginAnswer = ({ kind, ...result }: LoginResult) =>
  kind === 'tokens' ? { ...result, isTwoFactorEnable: false } : { twoFactorRequired: true, ...result };
