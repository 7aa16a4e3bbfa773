import { endSession } from '../../shared/tokens/live-session';
import { endpoint, noContent } from '../endpoint';
import { authLogout } from '../route-entries';

export const handler = endpoint(authLogout, async ({ principal, actor }) => {
  await endSession(principal, actor);
  return noContent();
});
