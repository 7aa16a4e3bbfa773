/** QR codes of otpauth URIs. Kept apart so only the routes that draw a QR bundle `qrcode`. */
import { toDataURL } from 'qrcode';

export const qrDataUrl = (text: string) => toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
