import { requestPasswordReset } from '../../shared/identity/password-reset';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { authPasswordForgot } from '../route-entries';

// 202 whether or not the address has an account: the answer must not tell.
export const handler = endpoint(authPasswordForgot, async ({ body, actor, headers }) => {
  await requestPasswordReset(body.email, actor, languageOf(headers['accept-language']));
  return ok({ message: 'If this address has an account, a reset link is on its way' }, 202);
});
