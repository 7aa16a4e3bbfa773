import { verifyCode } from '../../shared/factors/enrolment';
import { endpoint, noContent, ok } from '../endpoint';
import { ziikTwoFactorVerify } from '../route-entries';

export const handler = endpoint(ziikTwoFactorVerify, async ({ principal, body, actor }) => {
  const outcome = await verifyCode(principal, body.key, actor);
  return outcome.tokens ? ok({ ...outcome.tokens, isTwoFactorEnable: true }) : noContent();
});
