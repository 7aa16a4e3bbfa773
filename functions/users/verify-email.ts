import { verifyEmailChange } from '../../shared/identity/email-change';
import { endpoint, ok } from '../endpoint';
import { usersVerifyEmail } from '../route-entries';

export const handler = endpoint(usersVerifyEmail, async ({ body, actor }) => {
  return ok({ data: await verifyEmailChange(body.token, actor) });
});
