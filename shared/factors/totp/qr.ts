/**
 * QR codes of otpauth URIs. Kept apart so only the routes that draw a QR bundle `qrcode`, and loaded
 * on first use: it ships as a lazy chunk beside the handler (infra/bundling.ts), so a cold start
 * that answers 401 or 409 never reads it.
 */
export async function qrDataUrl(text: string): Promise<string> {
  const { toDataURL } = await import('qrcode');
  return toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}
