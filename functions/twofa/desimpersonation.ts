import { endImpersonationFor } from '../../shared/identity/impersonation';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/desimpersonation', async ({ principal, actor }) => {
  const tokens = await endImpersonationFor(principal, actor);
  return ok({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenType: tokens.tokenType, expiresIn: tokens.expiresIn });
});
