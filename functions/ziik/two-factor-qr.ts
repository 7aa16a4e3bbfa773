import { pendingTotpUri } from '../../shared/factors/totp/enrolment';
import { qrDataUrl } from '../../shared/factors/totp/qr';
import { endpoint, ok } from '../endpoint';
import { ziikTwoFactorQr } from '../route-entries';

export const handler = endpoint(ziikTwoFactorQr, async ({ principal }) => {
  return ok({ data: { qr_image: await qrDataUrl(await pendingTotpUri(principal)) } });
});
