import { startPasskeySignIn } from '../../shared/identity/passkey-login';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/auth/passkey/options', async ({ actor }) => ok(await startPasskeySignIn(actor)));
