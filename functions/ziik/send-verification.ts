import { sendSmsCode } from '../../shared/factors/sms/enrolment';
import { endpoint, noContent } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/send-verification', async ({ principal, headers, actor }) => {
  // The message's language: the first of Accept-Language, e.g. "da-DK,da;q=0.9" -> "da".
  await sendSmsCode(principal, actor, headers['accept-language']?.split(/[-,;]/)[0]?.trim().toLowerCase());
  return noContent();
});
