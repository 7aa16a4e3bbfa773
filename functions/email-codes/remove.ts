import { removeEmail } from '../../shared/factors/email/removal';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/two-factor/email', async ({ principal, body, actor }) => {
  await removeEmail(principal, actor, body?.code);
  return noContent();
});
