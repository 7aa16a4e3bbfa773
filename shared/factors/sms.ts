/**
 * The SMS factor: 6-digit codes, valid 5 minutes, stored as a keyed hash with an attempt counter
 * (5 tries, then the code is dead). Sending and enrolment live in sms-enrolment.ts.
 * The phone number is personal data: the factor item holds it sealed (like a TOTP seed, bound to
 * the item), a masked form for display, and the country code (checked against the policy).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { config } from '../config';
import { constantTimeEqual, DecryptionFailed, keyedHash, open, seal } from '../crypto/secrets';
import { ErrorCode, Unprocessable } from '../errors';
import { logger } from '../log';
import type { Policy } from '../policy/policy';
import { db, tableName } from '../store/client';
import { conditionally, epochSeconds, live, LostRace } from '../store/conditions';
import { keys, type Key } from '../store/keys';
import type { Account, FactorItem } from './account';
import type { SecondFactor } from './second-factor';

export const SMS_FACTOR = 'SMS';
export const CODE_TTL_SECONDS = 5 * 60;
export const MAX_CODE_ATTEMPTS = 5;

export const smsKey = (userId: number): Key => keys.factor(userId, SMS_FACTOR);
export const smsFactor = (account: Account) => account.factors.find((f) => f.sk === smsKey(account.user.userId).sk);

export interface SmsCodeItem {
  codeHash: string;
  attempts: number;
  expiresAt: number;
}

export const smsCodePurpose = (userId: number) => `sms-code|${userId}`;

export interface Phone {
  e164: string;
  countryCode: string;
  nationalNumber: string;
}

/** An E.164 number from the Ziik fields, validated with libphonenumber's full metadata. */
export function parsePhone(prefix: number | string, phone: number | string): Phone {
  const countryCode = String(prefix).replace(/^\+/, '');
  const parsed = parsePhoneNumberFromString(`+${countryCode}${String(phone).replace(/[\s()-]/g, '')}`);
  if (!parsed || parsed.countryCallingCode !== countryCode || !parsed.isValid()) {
    throw new Unprocessable(ErrorCode.invalidPhone, `+${countryCode} ${phone} is not a valid phone number`, {
      issues: [{ path: 'body.phone', message: 'is not a valid number for this country calling code' }],
    });
  }
  return { e164: parsed.number, countryCode, nationalNumber: String(parsed.nationalNumber) };
}

/** What the factor item stores of a number: never the number itself. */
export interface StoredPhone {
  sealedPhone: string;
  maskedPhone: string;
  countryCode: string;
}

const phoneAad = (key: Key) => `sms-phone|${key.pk}|${key.sk}`;

/** Only the last two digits show: enough to recognise one's own number, not to learn someone's. */
export const maskPhone = (nationalNumber: string) => '*'.repeat(Math.max(0, nationalNumber.length - 2)) + nationalNumber.slice(-2);

export async function storedPhone(userId: number, phone: Phone): Promise<StoredPhone> {
  return {
    sealedPhone: await seal(phone.e164, phoneAad(smsKey(userId))),
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

export function assertCountryAllowed(countryCode: string, policy: Policy): void {
  const deployment = config().SMS_ALLOWED_COUNTRY_CODES;
  const org = policy.smsCountryCodes;
  if ((deployment.length && !deployment.includes(countryCode)) || (org && !org.includes(countryCode))) {
    throw new Unprocessable(ErrorCode.invalidPhone, `SMS to +${countryCode} numbers is not allowed here`, {
      issues: [{ path: 'body.phone_prefix', message: 'is not an allowed country calling code' }],
    });
  }
}

/** A wrong try uses up one of the code's attempts (a conditional ADD, so racing tries all count). */
async function spendAttempt(userId: number, codeHash: string): Promise<void> {
  try {
    await conditionally(() =>
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.smsCode(userId),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'codeHash = :h',
          ExpressionAttributeValues: { ':one': 1, ':h': codeHash },
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof LostRace)) throw error; // replaced or consumed meanwhile
  }
}

export const sms = {
  kind: 'sms',
  amr: 'sms',
  accepts: (proof) => typeof proof.code === 'string' && /^\d{6}$/.test(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor: FactorItem | undefined = smsFactor(account);
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const stored = live(account.others.get(keys.smsCode(account.user.userId).sk) as (SmsCodeItem & { expiresAt: number }) | undefined, at);
    if (!stored || stored.attempts >= MAX_CODE_ATTEMPTS) return undefined;
    const presented = await keyedHash(smsCodePurpose(account.user.userId), proof.code!);
    if (!constantTimeEqual(presented, stored.codeHash)) {
      await spendAttempt(account.user.userId, stored.codeHash);
      return undefined;
    }
    return {
      kind: 'sms',
      amr: 'sms',
      writes: [
        {
          // Consuming the code is the race gate: of two requests with the right code, one deletes it.
          Delete: {
            TableName: tableName(),
            Key: keys.smsCode(account.user.userId),
            ConditionExpression: 'codeHash = :h AND attempts < :max AND expiresAt > :now',
            ExpressionAttributeValues: { ':h': stored.codeHash, ':max': MAX_CODE_ATTEMPTS, ':now': epochSeconds(at) },
          },
        },
      ],
    };
  },
} satisfies SecondFactor;
