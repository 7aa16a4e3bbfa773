import { enrolTotp } from '../../shared/factors/totp/enrolment';
import { qrDataUrl } from '../../shared/factors/totp/qr';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /2fa/generate-qr', async ({ principal, actor }) => {
  const { uri } = await enrolTotp(principal, actor);
  return ok({ qrCode: await qrDataUrl(uri), link: uri });
});
