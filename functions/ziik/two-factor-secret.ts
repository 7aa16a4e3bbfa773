import { newTotpSecret } from '../../shared/factors/totp/secret';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/two-factor/secret', async () => ok({ data: { secret_key: newTotpSecret() } }));
