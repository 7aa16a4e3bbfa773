import { refreshSession } from '../../shared/tokens/sessions';
import { endpoint, ok } from '../endpoint';
import { authRefresh } from '../route-entries';

export const handler = endpoint(authRefresh, async ({ body }) => ok(await refreshSession(body.refreshToken)));
