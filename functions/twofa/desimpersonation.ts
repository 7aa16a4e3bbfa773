import { endImpersonationFor } from '../../shared/identity/impersonation';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/desimpersonation', async ({ principal, meta }) => {
  const tokens = await endImpersonationFor(principal, { principal, ...meta });
  return ok({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenType: tokens.tokenType, expiresIn: tokens.expiresIn });
});
