import { enrolEmail } from '../../shared/factors/email/enrolment';
import { CODE_TTL_SECONDS } from '../../shared/factors/email/strategy';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';
import { emailCodesEnrol } from '../route-entries';

export const handler = endpoint(emailCodesEnrol, async ({ principal, body, headers, actor }) => {
  const { maskedAddress } = await enrolEmail(principal, actor, { email: body?.email, code: body?.code }, languageOf(headers['accept-language']));
  return ok({ sentTo: maskedAddress, expiresIn: CODE_TTL_SECONDS });
});
