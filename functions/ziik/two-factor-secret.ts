import { newTotpSecret } from '../../shared/factors/totp/secret';
import { endpoint, ok } from '../endpoint';
import { ziikTwoFactorSecret } from '../route-entries';

export const handler = endpoint(ziikTwoFactorSecret, async () => ok({ data: { secret_key: newTotpSecret() } }));
