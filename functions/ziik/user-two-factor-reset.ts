import { resetTwoFactor } from '../../shared/identity/admin-reset';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/users/{id}/two-factor/reset', async ({ principal, params, meta }) => {
  await resetTwoFactor(principal, params.id, { principal, ...meta });
  return noContent();
});
