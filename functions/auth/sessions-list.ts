import { listOwnSessions } from '../../shared/tokens/own-sessions';
import { endpoint, ok } from '../endpoint';
import { authSessionsList } from '../route-entries';

export const handler = endpoint(authSessionsList, async ({ principal }) => {
  return ok({ sessions: await listOwnSessions(principal) });
});
