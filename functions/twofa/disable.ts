import { disableTwoFactor } from '../../shared/factors/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/disable-two-factor-auth', async ({ principal, body, actor }) => {
  await disableTwoFactor(principal, actor, body?.code);
  return ok({
    message: 'Two-factor authentication disabled successfully',
    description: 'Two-factor authentication has been disabled for your account.',
  });
});
