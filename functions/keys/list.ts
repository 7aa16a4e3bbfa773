import { listKeys } from '../../shared/factors/security-keys';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/two-factor/webauthn', async ({ principal }) => ok({ data: await listKeys(principal) }));
