import { changePassword } from '../../shared/identity/password-change';
import { languageOf } from '../../shared/mail/language';
import { endpoint, noContent } from '../endpoint';
import { authPasswordChange } from '../route-entries';

export const handler = endpoint(authPasswordChange, async ({ body, principal, actor, headers }) => {
  await changePassword(principal, body, actor, languageOf(headers['accept-language']));
  return noContent();
});
