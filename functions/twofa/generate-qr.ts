import { enrolTotp } from '../../shared/factors/totp/enrolment';
import { qrDataUrl } from '../../shared/factors/totp/qr';
import { endpoint, ok } from '../endpoint';
import { twofaGenerateQr } from '../route-entries';

export const handler = endpoint(twofaGenerateQr, async ({ principal, actor }) => {
  const { uri } = await enrolTotp(principal, actor);
  return ok({ qrCode: await qrDataUrl(uri), link: uri });
});
