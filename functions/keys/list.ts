import { listKeys } from '../../shared/factors/webauthn/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/two-factor/webauthn', async ({ principal }) => ok({ data: await listKeys(principal) }));
