import { startPasskeySignIn } from '../../shared/identity/passkey-login';
import { endpoint, ok } from '../endpoint';
import { authPasskeyOptions } from '../route-entries';

export const handler = endpoint(authPasskeyOptions, async ({ actor }) => ok(await startPasskeySignIn(actor)));
