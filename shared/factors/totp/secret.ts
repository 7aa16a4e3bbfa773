/**
 * The TOTP secret (RFC 6238, SHA-1, 160 bits): made here or supplied by the client, shown as an
 * otpauth URI, sealed with the user and factor bound as associated data.
 */
import { generateSecret, generateURI } from 'otplib';
import { config } from '../../config';
import { DecryptionFailed, open, seal } from '../../crypto/secrets';
import { ErrorCode, Unprocessable } from '../../errors';
import { logger } from '../../log';
import type { FactorItem } from '../account';
import * as totpStore from './store';

const aad = (key: { pk: string; sk: string }) => `totp|${key.pk}|${key.sk}`;

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

export const sealTotpSecret = (userId: number, secret: string) => seal(secret, aad(totpStore.key(userId)));

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
