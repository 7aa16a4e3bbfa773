import { twoFactorSettings } from '../../shared/factors/settings';
import { endpoint, ok } from '../endpoint';
import { ziikTwoFactorGet } from '../route-entries';
import { ziikMethods } from './presenters';

export const handler = endpoint(ziikTwoFactorGet, async ({ principal }) => {
  const settings = await twoFactorSettings(principal);
  return ok({
    data: {
      method: settings.method && settings.method !== 'recovery' ? ziikMethods([settings.method])[0] : null,
      secret_key: settings.secret,
      phone_prefix: settings.phone ? Number(settings.phone.countryCode) : null,
      // Masked, a deliberate deviation from the seed: a pending token (a password) must not reveal the number.
      phone: settings.phone ? settings.phone.masked : null,
      verified: settings.verified,
      // An extension to the seed's shape: every verified method (google, sms, u2f, recovery).
      methods: settings.verifiedMethods.map((m) => (m === 'recovery' ? m : ziikMethods([m])[0])),
      // Extensions too: what the org lets this user enrol (the self-service page offers only that).
      allowed_methods: ziikMethods(settings.allowedMethods),
      sms_country_codes: settings.smsCountryCodes,
    },
  });
});
