import { passkeySignIn } from '../../shared/identity/passkey-login';
import { endpoint, ok } from '../endpoint';

// No response cache (idempotency) in front of this route: a replayed assertion must never get tokens back.
export const handler = endpoint('POST /api/auth/passkey', async ({ body, actor }) => ok(await passkeySignIn(body.response, actor)));
