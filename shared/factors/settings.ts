/**
 * A user's two-factor settings as the Ziik dialect shows them: the preferred method, what each factor
 * may show, and what the org lets the user enrol (so the self-service page offers only that).
 */
import type { Method } from '../policy/policy';
import type { Principal } from '../tokens/principal';
import { factorOfKind, type FactorKind } from './account';
import { accountAndPolicy } from './authenticate';
import { allowedCountryCodes, maskedPhoneOf } from './sms/phone';
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
  /** The methods the org's policy allows (recovery codes always work). */
  allowedMethods: Method[];
  /** The country calling codes SMS may go to; null: any. */
  smsCountryCodes: string[] | null;
}

export async function twoFactorSettings(principal: Principal): Promise<TwoFactorSettings> {
  const { account, policy } = await accountAndPolicy(principal);
  const method = account.user.preferredMethod ?? account.factors.find((f) => f.verified)?.kind ?? account.factors[0]?.kind ?? null;
  const totpItem = factorOfKind(account, 'totp');
  const sms = factorOfKind(account, 'sms');
  return {
    method,
    secret: totpItem && !totpItem.verified ? ((await openTotpSecret(totpItem)) ?? null) : null,
    phone: sms ? { countryCode: sms.countryCode as string, masked: maskedPhoneOf(sms) } : null,
    verified: method ? (factorOfKind(account, method)?.verified ?? false) : false,
    verifiedMethods: [...new Set(account.factors.filter((f) => f.verified).map((f) => f.kind))],
    allowedMethods: policy.methods,
    smsCountryCodes: allowedCountryCodes(policy),
  };
}
