import { changePassword } from '../../shared/identity/password-change';
import { languageOf } from '../../shared/mail/language';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/auth/password', async ({ body, principal, actor, headers }) => {
  await changePassword(principal, body, actor, languageOf(headers['accept-language']));
  return noContent();
});
