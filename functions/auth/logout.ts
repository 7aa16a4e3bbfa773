import { endSession } from '../../shared/tokens/live-session';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/auth/logout', async ({ principal, meta }) => {
  await endSession(principal, { principal, ...meta });
  return noContent();
});
