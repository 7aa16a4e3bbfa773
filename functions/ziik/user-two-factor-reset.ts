import { resetTwoFactor } from '../../shared/identity/admin-reset';
import { endpoint, noContent } from '../endpoint';
import { ziikUserTwoFactorReset } from '../route-entries';

export const handler = endpoint(ziikUserTwoFactorReset, async ({ principal, params, actor }) => {
  await resetTwoFactor(principal, params.id, actor);
  return noContent();
});
