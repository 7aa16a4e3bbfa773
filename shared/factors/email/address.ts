/**
 * The factor's address is personal data, and may differ from the account's email: the factor item
 * holds it sealed (bound to the item, like a phone number) and a masked form for display.
 */
import { DecryptionFailed, open, seal } from '../../crypto/secrets';
import { logger } from '../../log';
import type { FactorItem } from '../account';
import * as emailStore from './store';
import type { StoredAddress } from './store';

const addressAad = (key: { pk: string; sk: string }) => `email-factor|${key.pk}|${key.sk}`;

/** `a•••@example.com`: enough to recognise one's own address, not to learn someone's. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, 1)}•••${address.slice(at)}`;
}

export async function storedAddress(userId: number, address: string): Promise<StoredAddress> {
  return { sealedAddress: await seal(address, addressAad(emailStore.key(userId))), maskedAddress: maskAddress(address) };
}

export const maskedAddressOf = (factor: FactorItem) => factor.maskedAddress as string;

/** The address to send to, or undefined when its ciphertext does not open here (moved or tampered): fail closed. */
export async function openAddress(factor: FactorItem): Promise<string | undefined> {
  try {
    return await open(factor.sealedAddress as string, addressAad(factor));
  } catch (error) {
    if (!(error instanceof DecryptionFailed)) throw error;
    logger.error('a sealed email factor address failed authentication', { pk: factor.pk, sk: factor.sk });
    return undefined;
  }
}
