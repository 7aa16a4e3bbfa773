/** A user's two-factor settings as the Ziik dialect shows them: the preferred method and what each factor may show. */
import type { Principal } from '../tokens/principal';
import { factorOfKind, type FactorKind } from './account';
import { ownAccount } from './authenticate';
import { maskedPhoneOf } from './sms/phone';
import { openTotpSecret } from './totp/secret';

export interface TwoFactorSettings {
  method: FactorKind | null;
  /** Only while the TOTP factor is unverified. */
  secret: string | null;
  /** The national number masked (only its last digits show). */
  phone: { countryCode: string; masked: string } | null;
  verified: boolean;
  /** Every verified factor kind, not only the preferred one. */
  verifiedMethods: FactorKind[];
}

export async function twoFactorSettings(principal: Principal): Promise<TwoFactorSettings> {
  const account = await ownAccount(principal);
  const method = account.user.preferredMethod ?? account.factors.find((f) => f.verified)?.kind ?? account.factors[0]?.kind ?? null;
  const totpItem = factorOfKind(account, 'totp');
  const sms = factorOfKind(account, 'sms');
  return {
    method,
    secret: totpItem && !totpItem.verified ? ((await openTotpSecret(totpItem)) ?? null) : null,
    phone: sms ? { countryCode: sms.countryCode as string, masked: maskedPhoneOf(sms) } : null,
    verified: method ? (factorOfKind(account, method)?.verified ?? false) : false,
    verifiedMethods: [...new Set(account.factors.filter((f) => f.verified).map((f) => f.kind))],
  };
}
