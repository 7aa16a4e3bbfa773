import { listOwnSessions } from '../../shared/tokens/own-sessions';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/auth/sessions', async ({ principal }) => {
  return ok({ sessions: await listOwnSessions(principal) });
});
