import { passkeySignIn } from '../../shared/identity/passkey-login';
import { endpoint, ok } from '../endpoint';
import { authPasskey } from '../route-entries';

// No response cache (idempotency) in front of this route: a replayed assertion must never get tokens back.
export const handler = endpoint(authPasskey, async ({ body, actor }) => ok(await passkeySignIn(body.response, actor)));
