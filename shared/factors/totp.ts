/**
 * Authenticator-app codes (RFC 6238): SHA-1, 6 digits, 30 s steps, 160-bit secrets, one step of
 * drift either way. The secret is sealed with the user and factor bound as associated data.
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';
import { config } from '../config';
import { DecryptionFailed, open, seal } from '../crypto/secrets';
import { ErrorCode, Unprocessable } from '../errors';
import { logger } from '../log';
import { keys, type Key } from '../store/keys';
import type { Account, FactorItem } from './account';
import type { SecondFactor } from './second-factor';

export const TOTP_FACTOR = 'TOTP';
const PERIOD = 30;
/** RFC 6238 §5.2: accept the previous and the next step for clock drift. */
const DRIFT_SECONDS = PERIOD;

export const totpKey = (userId: number): Key => keys.factor(userId, TOTP_FACTOR);
const aad = (key: Key) => `totp|${key.pk}|${key.sk}`;

/** RFC 4226 §4 recommends 160 bits. */
export const newTotpSecret = () => generateSecret({ length: 20 });

/** A client-supplied secret: base32 (spaces and padding ignored) of at least 128 bits. */
export function normaliseTotpSecret(input: string): string {
  const secret = input.replace(/[\s=-]/g, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(secret)) {
    throw new Unprocessable(ErrorCode.invalidSecret, 'secret_key must be base32 (letters A-Z and digits 2-7)', {
      issues: [{ path: 'body.secret_key', message: 'is not base32' }],
    });
  }
  if (Math.floor((secret.length * 5) / 8) < 16) {
    throw new Unprocessable(ErrorCode.invalidSecret, 'secret_key must hold at least 128 bits (26 base32 characters)', {
      issues: [{ path: 'body.secret_key', message: 'is shorter than 128 bits' }],
    });
  }
  return secret;
}

export const otpauthUri = (email: string, secret: string) => generateURI({ issuer: config().APP_NAME, label: email, secret });

export const sealTotpSecret = (userId: number, secret: string) => seal(secret, aad(totpKey(userId)));

/** The secret, or undefined when its ciphertext does not open here (moved or tampered): fail closed. */
export async function openTotpSecret(factor: FactorItem): Promise<string | undefined> {
  try {
    return await open(factor.sealedSecret as string, aad(factor));
  } catch (error) {
    if (!(error instanceof DecryptionFailed)) throw error;
    logger.error('a TOTP secret failed authentication', { pk: factor.pk, sk: factor.sk });
    return undefined;
  }
}

/** The time step the code belongs to, if it is valid now (± one step) and newer than `afterStep`. */
export async function matchTotpCode(
  secret: string,
  code: string,
  at: Date,
  afterStep?: number,
  digits: 6 | 8 = 6,
): Promise<number | undefined> {
  if (code.length !== digits || !/^\d+$/.test(code)) return undefined;
  const epoch = Math.floor(at.getTime() / 1000);
  const result = await verify({
    secret,
    token: code,
    epoch,
    digits,
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep !== undefined && afterStep < Math.floor(epoch / PERIOD) + 1 && { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The current code, for tests and the README's walk-through. */
export const currentTotpCode = (secret: string, at = new Date()) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

export const totpFactor = (account: Account) => account.factors.find((f) => f.sk === totpKey(account.user.userId).sk);

export const totp = {
  kind: 'totp',
  amr: 'otp',
  accepts: (proof) => typeof proof.code === 'string' && /^\d{6}$/.test(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor = totpFactor(account);
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const secret = await openTotpSecret(factor);
    if (!secret) return undefined;
    const step = await matchTotpCode(secret, proof.code!, at, account.mfa.lastTotpStep);
    if (step === undefined) return undefined;
    return {
      kind: 'totp',
      amr: 'otp',
      mfaSet: { lastTotpStep: step },
      // RFC 6238 §5.2: a code (time step) is accepted once; the step only moves forward.
      mfaCondition: '(attribute_not_exists(#lastTotpStep) OR #lastTotpStep < :lastTotpStep)',
    };
  },
} satisfies SecondFactor;
