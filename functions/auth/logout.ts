import { endSession } from '../../shared/tokens/live-session';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/auth/logout', async ({ principal, actor }) => {
  await endSession(principal, actor);
  return noContent();
});
