import { removeEmail } from '../../shared/factors/email/removal';
import { endpoint, noContent } from '../endpoint';
import { emailCodesRemove } from '../route-entries';

export const handler = endpoint(emailCodesRemove, async ({ principal, body, actor }) => {
  await removeEmail(principal, actor, body?.code);
  return noContent();
});
