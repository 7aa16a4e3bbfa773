import { impersonate } from '../../shared/identity/impersonation';
import { endpoint, ok } from '../endpoint';
import { twofaImpersonate } from '../route-entries';

export const handler = endpoint(twofaImpersonate, async ({ principal, body, actor }) => {
  const { tokens, isTwoFactorEnable } = await impersonate(principal, { userId: body.userId, teamId: body.teamId }, body.code, actor);
  return ok({ accessToken: tokens.accessToken, isTwoFactorEnable, expiresIn: tokens.expiresIn });
});
