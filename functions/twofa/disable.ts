import { disableTwoFactor } from '../../shared/factors/enrolment';
import { endpoint, ok } from '../endpoint';
import { twofaDisable } from '../route-entries';

export const handler = endpoint(twofaDisable, async ({ principal, body, actor }) => {
  await disableTwoFactor(principal, actor, body?.code);
  return ok({
    message: 'Two-factor authentication disabled successfully',
    description: 'Two-factor authentication has been disabled for your account.',
  });
});
