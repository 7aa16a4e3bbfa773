import { verifyCode } from '../../shared/factors/enrolment';
import { endpoint, noContent, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/verify', async ({ principal, body, meta }) => {
  const outcome = await verifyCode(principal, body.key, { principal, ...meta });
  return outcome.tokens ? ok({ ...outcome.tokens, isTwoFactorEnable: true }) : noContent();
});
