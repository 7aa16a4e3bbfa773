import { pendingTotpUri } from '../../shared/factors/totp/enrolment';
import { qrDataUrl } from '../../shared/factors/totp/qr';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /api/two-factor/qr', async ({ principal }) => {
  return ok({ data: { qr_image: await qrDataUrl(await pendingTotpUri(principal)) } });
});
