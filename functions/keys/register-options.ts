import { startKeyRegistration } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/webauthn/register/options', async ({ principal, body }) =>
  ok(await startKeyRegistration(principal, { passkey: body.passkey })),
);
