import { disableTwoFactor } from '../../shared/factors/enrolment';
import { enrolTotp } from '../../shared/factors/totp/enrolment';
import { enrolSms } from '../../shared/factors/sms/enrolment';
import { endpoint, noContent } from '../endpoint';
import { ziikTwoFactorUpdate } from '../route-entries';

export const handler = endpoint(ziikTwoFactorUpdate, async ({ principal, body, actor }) => {
  if (body.method === '') await disableTwoFactor(principal, actor, body.code);
  else if (body.method === 'google') await enrolTotp(principal, actor, { secret: body.secret_key, code: body.code });
  else await enrolSms(principal, actor, { prefix: body.phone_prefix!, phone: body.phone!, code: body.code });
  return noContent();
});
