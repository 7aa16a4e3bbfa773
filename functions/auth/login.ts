import { login } from '../../shared/identity/login';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/auth/login', async ({ body, actor }) => {
  const { kind, ...result } = await login(body.email, body.password, actor);
  return ok(kind === 'tokens' ? { ...result, isTwoFactorEnable: false } : { twoFactorRequired: true, ...result });
});
