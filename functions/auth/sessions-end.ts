import { endOwnSession } from '../../shared/tokens/own-sessions';
import { endpoint, noContent } from '../endpoint';
import { authSessionsEnd } from '../route-entries';

export const handler = endpoint(authSessionsEnd, async ({ params, principal, actor }) => {
  await endOwnSession(principal, params.sid, actor);
  return noContent();
});
