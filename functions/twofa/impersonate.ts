import { impersonate } from '../../shared/identity/impersonation';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/impersonate', async ({ principal, body, actor }) => {
  const { tokens, isTwoFactorEnable } = await impersonate(principal, { userId: body.userId, teamId: body.teamId }, body.code, actor);
  return ok({ accessToken: tokens.accessToken, isTwoFactorEnable, expiresIn: tokens.expiresIn });
});
