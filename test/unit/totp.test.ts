/** The TOTP verifier against RFC 6238 and its drift window. */
import { generate } from 'otplib';
import { normaliseTotpSecret, otpauthUri } from '../../shared/factors/totp/secret';
import { matchTotpCode } from '../../shared/factors/totp/strategy';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const vectors: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP verifier', () => {
  it.each(vectors)('accepts the RFC 6238 Appendix B vector at T=%d (SHA-1, 8 digits)', async (time, code) => {
    expect(await matchTotpCode(RFC_SECRET, code, new Date(time * 1000), undefined, 8)).toBe(Math.floor(time / 30));
  });

  it('accepts one step of drift either way and refuses two', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const t = 1_800_000_015;
    const at = new Date(t * 1000);
    const codeAt = (offset: number) => generate({ secret, epoch: t + offset });
    expect(await matchTotpCode(secret, await codeAt(0), at)).toBe(Math.floor(t / 30));
    expect(await matchTotpCode(secret, await codeAt(-30), at)).toBe(Math.floor(t / 30) - 1);
    expect(await matchTotpCode(secret, await codeAt(30), at)).toBe(Math.floor(t / 30) + 1);
    expect(await matchTotpCode(secret, await codeAt(-60), at)).toBeUndefined();
    expect(await matchTotpCode(secret, await codeAt(60), at)).toBeUndefined();
  });

  it('refuses a step at or before the last accepted one (RFC 6238 §5.2)', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const t = 1_800_000_015;
    const code = await generate({ secret, epoch: t });
    expect(await matchTotpCode(secret, code, new Date(t * 1000), Math.floor(t / 30))).toBeUndefined();
  });

  it('refuses malformed codes', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 456']) {
      expect(await matchTotpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', code, new Date())).toBeUndefined();
    }
  });
});

describe('TOTP secrets from clients', () => {
  it('refuses the seed’s example "1234567890": not base32', () => {
    expect(() => normaliseTotpSecret('1234567890')).toThrow('secret_key must be base32');
  });

  it('refuses base32 shorter than 128 bits', () => {
    expect(() => normaliseTotpSecret('T42NQXFCPWEJMGJY')).toThrow('at least 128 bits');
  });

  it('normalises spacing, case and padding', () => {
    expect(normaliseTotpSecret('jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp==')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('URL-encodes issuer and account name in the otpauth link (emails with +)', () => {
    const uri = otpauthUri('ann+2fa@example.test', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(uri).toBe('otpauth://totp/TwoFactor:ann%2B2fa%40example.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=TwoFactor');
  });
});
