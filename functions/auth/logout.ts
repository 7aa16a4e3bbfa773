import { revokeSession } from '../../shared/tokens/sessions';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/auth/logout', async ({ principal }) => {
  if (principal.sid) await revokeSession(principal.userId, principal.sid);
  return noContent();
});
