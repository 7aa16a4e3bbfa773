import { finishLogin } from '../../shared/factors/authenticate';
import { deviceCookie } from '../../shared/http/cookies';
import { finishReset } from '../../shared/identity/reset-finish';
import { endpoint, ok } from '../endpoint';
import { twofaAuthenticate } from '../route-entries';

// No response cache (idempotency) in front of this route: a replayed body must never get tokens back.
export const handler = endpoint(twofaAuthenticate, async ({ principal, body, actor, headers }) => {
  const proof = { code: body.code, webauthn: body.webauthn };
  if (principal.pendingPurpose === 'reset') {
    // A pending password reset: the factor sets the new password; the user then signs in with it.
    await finishReset(principal, proof, actor);
    return ok({ passwordReset: true });
  }
  const { tokens, recoveryCodesRemaining, device } = await finishLogin(principal, proof, actor, { rememberDevice: body.rememberDevice });
  return {
    ...ok({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      isTwoFactorEnable: true,
      tokenType: tokens.tokenType,
      expiresIn: tokens.expiresIn,
      ...(recoveryCodesRemaining !== undefined && { recoveryCodesRemaining }),
      ...(device && {
        // The page (a browser's fetch from this origin) keeps the token in its HttpOnly cookie only:
        // in the JSON, any script on the page could read it. API clients have no cookie jar and get it here.
        ...(headers['sec-fetch-site'] !== 'same-origin' && { deviceToken: device.deviceToken }),
        deviceId: device.deviceId,
        expiresAt: device.expiresAt.toISOString(),
      }),
    }),
    ...(device && { cookies: [deviceCookie(device.deviceToken, device.maxAge)] }),
  };
});
