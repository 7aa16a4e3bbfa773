import { sendSmsCode } from '../../shared/factors/sms/enrolment';
import { endpoint, noContent } from '../endpoint';
import { ziikSendVerification } from '../route-entries';

export const handler = endpoint(ziikSendVerification, async ({ principal, headers, actor }) => {
  // The message's language: the first of Accept-Language, e.g. "da-DK,da;q=0.9" -> "da".
  await sendSmsCode(principal, actor, headers['accept-language']?.split(/[-,;]/)[0]?.trim().toLowerCase());
  return noContent();
});
