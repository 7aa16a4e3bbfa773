import { sendEmailCode } from '../../shared/factors/email/enrolment';
import { CODE_TTL_SECONDS } from '../../shared/factors/email/strategy';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { emailCodesSend } from '../route-entries';

export const handler = endpoint(emailCodesSend, async ({ principal, headers, actor }) => {
  const { maskedAddress } = await sendEmailCode(principal, actor, languageOf(headers['accept-language']));
  return ok({ sentTo: maskedAddress, expiresIn: CODE_TTL_SECONDS });
});
