import { resetPassword } from '../../shared/identity/password-reset';
import { endpoint, noContent, ok } from '../endpoint';
import { authPasswordReset } from '../route-entries';

export const handler = endpoint(authPasswordReset, async ({ body, actor }) => {
  const result = await resetPassword(body.token, body.password, actor);
  if (result.kind === 'done') return noContent();
  const { kind: _, ...pending } = result;
  return ok({ twoFactorRequired: true, ...pending });
});
