import { endOtherSessions } from '../../shared/tokens/own-sessions';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/auth/sessions', async ({ principal, actor }) => {
  await endOtherSessions(principal, actor);
  return noContent();
});
