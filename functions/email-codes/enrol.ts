import { enrolEmail } from '../../shared/factors/email/enrolment';
import { CODE_TTL_SECONDS } from '../../shared/factors/email/strategy';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/two-factor/email', async ({ principal, body, headers, actor }) => {
  const { maskedAddress } = await enrolEmail(principal, actor, { email: body?.email, code: body?.code }, languageOf(headers['accept-language']));
  return ok({ sentTo: maskedAddress, expiresIn: CODE_TTL_SECONDS });
});
