import { endOtherSessions } from '../../shared/tokens/own-sessions';
import { endpoint, noContent } from '../endpoint';
import { authSessionsEndOthers } from '../route-entries';

export const handler = endpoint(authSessionsEndOthers, async ({ principal, actor }) => {
  await endOtherSessions(principal, actor);
  return noContent();
});
