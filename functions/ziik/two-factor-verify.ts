import { verifyCode } from '../../shared/factors/enrolment';
import { endpoint, noContent, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/verify', async ({ principal, body, actor }) => {
  const outcome = await verifyCode(principal, body.key, actor);
  return outcome.tokens ? ok({ ...outcome.tokens, isTwoFactorEnable: true }) : noContent();
});
