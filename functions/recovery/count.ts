import { countRecoveryCodes } from '../../shared/factors/recovery/enrolment';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/two-factor/recovery-codes', async ({ principal }) => ok({ data: { remaining: await countRecoveryCodes(principal) } }));
