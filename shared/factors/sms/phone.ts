/**
 * The phone number is personal data: the factor item holds it sealed (like a TOTP seed, bound to
 * the item), a masked form for display, and the country code (checked against the policy).
 */
import { config } from '../../config';
import { DecryptionFailed, keyedHash, open, seal } from '../../crypto/secrets';
import { ErrorCode, Unprocessable } from '../../errors';
import { logger } from '../../log';
import * as metrics from '../../metrics';
import type { Policy } from '../../policy/policy';
import type { FactorItem } from '../account';
import * as smsStore from './store';
import type { StoredPhone } from './store';

export interface Phone {
  e164: string;
  countryCode: string;
  nationalNumber: string;
}

/**
 * An E.164 mobile number from the Ziik fields, validated with libphonenumber's mobile metadata
 * (loaded on the first enrolment of a number: the rest of the function never needs it). It agrees
 * with the full metadata on every mobile number and every invalid one, and refuses what SMS cannot
 * reach or must not pay for: fixed-line, premium-rate, VoIP numbers (test/unit/phone-metadata.test.ts).
 */
export async function parsePhone(prefix: number | string, phone: number | string): Promise<Phone> {
  const { parsePhoneNumberFromString } = await import('libphonenumber-js/mobile');
  const countryCode = String(prefix).replace(/^\+/, '');
  const parsed = parsePhoneNumberFromString(`+${countryCode}${String(phone).replace(/[\s()-]/g, '')}`);
  if (!parsed || parsed.countryCallingCode !== countryCode || !parsed.isValid()) {
    throw new Unprocessable(ErrorCode.invalidPhone, `+${countryCode} ${phone} is not a valid mobile phone number`, {
      issues: [{ path: 'body.phone', message: 'is not a valid mobile number for this country calling code' }],
    });
  }
  return { e164: parsed.number, countryCode, nationalNumber: String(parsed.nationalNumber) };
}

const phoneAad = (key: { pk: string; sk: string }) => `sms-phone|${key.pk}|${key.sk}`;

/** Only the last two digits show: enough to recognise one's own number, not to learn someone's. */
export const maskPhone = (nationalNumber: string) => '*'.repeat(Math.max(0, nationalNumber.length - 2)) + nationalNumber.slice(-2);

export async function storedPhone(userId: number, phone: Phone): Promise<StoredPhone> {
  return {
    sealedPhone: await seal(phone.e164, phoneAad(smsStore.key(userId))),
    maskedPhone: maskPhone(phone.nationalNumber),
    countryCode: phone.countryCode,
  };
}

/** The masked number of a factor; items enrolled before numbers were sealed hold it in plaintext. */
export const maskedPhoneOf = (factor: FactorItem) =>
  (factor.maskedPhone as string | undefined) ?? maskPhone((factor.nationalNumber as string | undefined) ?? '');

/** The E.164 number to send to, or undefined when its ciphertext does not open here (moved or tampered): fail closed. */
export async function openPhone(factor: FactorItem): Promise<string | undefined> {
  if (factor.sealedPhone === undefined) return factor.e164 as string | undefined; // enrolled before sealing
  try {
    return await open(factor.sealedPhone as string, phoneAad(factor));
  } catch (error) {
    if (!(error instanceof DecryptionFailed)) throw error;
    logger.error('a sealed phone number failed authentication', { pk: factor.pk, sk: factor.sk });
    return undefined;
  }
}

/** The subject of per-number rate limits: a keyed hash, so no counter's key reveals a number. */
export const phoneRateSubject = (e164: string) => keyedHash('sms-rate-limit-phone', e164);

/** The country calling codes SMS may go to in this org (the deployment's and the org's lists together); null: any. */
export function allowedCountryCodes(policy: Policy): string[] | null {
  const deployment = config().SMS_ALLOWED_COUNTRY_CODES;
  const org = policy.smsCountryCodes;
  if (!deployment.length) return org ?? null;
  return org ? deployment.filter((code) => org.includes(code)) : deployment;
}

export function assertCountryAllowed(countryCode: string, policy: Policy): void {
  const allowed = allowedCountryCodes(policy);
  if (allowed && !allowed.includes(countryCode)) {
    metrics.smsRefused('country_not_allowed', policy.orgId);
    throw new Unprocessable(ErrorCode.invalidPhone, `SMS to +${countryCode} numbers is not allowed here`, {
      issues: [{ path: 'body.phone_prefix', message: 'is not an allowed country calling code' }],
    });
  }
}
