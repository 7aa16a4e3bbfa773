import { startKeyRegistration } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';
import { keysRegisterOptions } from '../route-entries';

export const handler = endpoint(keysRegisterOptions, async ({ principal, body }) =>
  ok(await startKeyRegistration(principal, { passkey: body.passkey })),
);
