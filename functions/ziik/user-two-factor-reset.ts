import { resetTwoFactor } from '../../shared/identity/admin-reset';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/users/{id}/two-factor/reset', async ({ principal, params, actor }) => {
  await resetTwoFactor(principal, params.id, actor);
  return noContent();
});
