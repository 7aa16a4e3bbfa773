import { endImpersonationFor } from '../../shared/identity/impersonation';
import { endpoint, ok } from '../endpoint';
import { twofaDesimpersonation } from '../route-entries';

export const handler = endpoint(twofaDesimpersonation, async ({ principal, actor }) => {
  const tokens = await endImpersonationFor(principal, actor);
  return ok({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenType: tokens.tokenType, expiresIn: tokens.expiresIn });
});
