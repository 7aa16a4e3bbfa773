import { startKeyLogin } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';
import { twofaWebauthnOptions } from '../route-entries';

export const handler = endpoint(twofaWebauthnOptions, async ({ principal }) => ok(await startKeyLogin(principal)));
