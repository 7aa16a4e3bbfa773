/**
 * Secrets at rest. Reversible secrets (TOTP seeds, signing keys) are sealed with AES-256-GCM, the
 * owner bound as additional authenticated data so a ciphertext moved to another item fails to open.
 * Codes and tokens are stored as keyed hashes (HMAC-SHA-256) and compared in constant time.
 * Both keys derive from the one data key (HKDF), fetched once per process.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { defaultKeyProvider } from '../adapters/key-provider';

/** Key objects, made once: a raw key buffer is imported anew by every cipher and HMAC (4–8× their CPU). */
interface DerivedKeys {
  aead: KeyObject;
  mac: KeyObject;
}

let derived: Promise<DerivedKeys> | undefined;

function derivedKeys(): Promise<DerivedKeys> {
  derived ??= (async () => {
    const dataKey = await (await defaultKeyProvider()).dataKey();
    const derive = (info: string) => createSecretKey(Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, 32)));
    return { aead: derive('twofactor/aes-256-gcm'), mac: derive('twofactor/hmac-sha-256') };
  })().catch((error) => {
    derived = undefined; // a failed unwrap is retried on the next request, not cached
    throw error;
  });
  return derived;
}

/** Tests only: forget the derived keys after swapping the key provider. */
export function resetSecrets(): void {
  derived = undefined;
}

export class DecryptionFailed extends Error {}

const VERSION = 'v1';

export async function seal(plaintext: string, aad: string): Promise<string> {
  const { aead } = await derivedKeys();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aead, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export async function open(sealed: string, aad: string): Promise<string> {
  const { aead } = await derivedKeys();
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new DecryptionFailed('Unknown sealed format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', aead, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new DecryptionFailed('Sealed secret failed authentication', { cause });
  }
}

/** Keyed hash of a code or token; `purpose` separates domains so one hash never verifies as another. */
export async function keyedHash(purpose: string, value: string): Promise<string> {
  const { mac } = await derivedKeys();
  return createHmac('sha256', mac).update(purpose).update('\0').update(value).digest('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 256 random bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
