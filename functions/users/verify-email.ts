import { verifyEmailChange } from '../../shared/identity/email-change';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/users/email/verify', async ({ body, actor }) => {
  return ok({ data: await verifyEmailChange(body.token, actor) });
});
