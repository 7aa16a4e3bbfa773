import { finishLogin } from '../../shared/factors/authenticate';
import { endpoint, ok } from '../endpoint';

// No response cache (idempotency) in front of this route: a replayed body must never get tokens back.
export const handler = endpoint('POST /2fa/authenticate', async ({ principal, body, actor }) => {
  const { tokens, recoveryCodesRemaining } = await finishLogin(principal, { code: body.code, webauthn: body.webauthn }, actor);
  return ok({
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    isTwoFactorEnable: true,
    tokenType: tokens.tokenType,
    expiresIn: tokens.expiresIn,
    ...(recoveryCodesRemaining !== undefined && { recoveryCodesRemaining }),
  });
});
