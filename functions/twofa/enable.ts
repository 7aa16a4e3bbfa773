import { verifyCode } from '../../shared/factors/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/enable-two-factor-auth', async ({ principal, body, actor }) => {
  const outcome = await verifyCode(principal, body.code, actor);
  return ok({
    message: 'Two-factor authentication enabled successfully',
    description: 'Two-factor authentication has been enabled for your account.',
    // With a pending login token (2FA forced, enrolling), enabling also finishes the login.
    ...(outcome.tokens && { accessToken: outcome.tokens.accessToken, refreshToken: outcome.tokens.refreshToken }),
  });
});
