import { startKeyLogin } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /2fa/webauthn/options', async ({ principal }) => ok(await startKeyLogin(principal)));
