import { verifyCode } from '../../shared/factors/enrolment';
import { endpoint, ok } from '../endpoint';
import { twofaEnable } from '../route-entries';

export const handler = endpoint(twofaEnable, async ({ principal, body, actor }) => {
  const outcome = await verifyCode(principal, body.code, actor);
  return ok({
    message: 'Two-factor authentication enabled successfully',
    description: 'Two-factor authentication has been enabled for your account.',
    // With a pending login token (2FA forced, enrolling), enabling also finishes the login.
    ...(outcome.tokens && { accessToken: outcome.tokens.accessToken, refreshToken: outcome.tokens.refreshToken }),
  });
});
