import { refreshSession } from '../../shared/tokens/sessions';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/auth/refresh', async ({ body }) => ok(await refreshSession(body.refreshToken)));
