import { endOwnSession } from '../../shared/tokens/own-sessions';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('DELETE /api/auth/sessions/{sid}', async ({ params, principal, actor }) => {
  await endOwnSession(principal, params.sid, actor);
  return noContent();
});
