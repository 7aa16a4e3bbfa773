/**
 * Password hashing with scrypt (node:crypto). OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1.
 * The parameters are stored with each hash, so raising them later still verifies old hashes.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { config } from '../config';

const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const optionsFor = (logN: number, r: number, p: number): ScryptOptions => ({
  N: 2 ** logN,
  r,
  p,
  maxmem: 256 * 2 ** logN * r,
});

export async function hashPassword(password: string): Promise<string> {
  const logN = config().SCRYPT_LOG_N;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, optionsFor(logN, 8, 1));
  return ['scrypt', logN, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether the password matches; an account with no password yet (invited) never matches, in the same time. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (stored === undefined) return verifyAgainstDecoy(password);
  if (stored.startsWith('$')) {
    // A hash imported from another system, until the next successful login replaces it.
    const { verifyImportedHash } = await import('./imported-hashes');
    return verifyImportedHash(password, stored);
  }
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), optionsFor(Number(logN), Number(r), Number(p)));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** An imported hash, or ours with weaker parameters than configured now: hash again at the next login. */
export function needsRehash(stored: string): boolean {
  const [scheme, logN] = stored.split('$');
  return scheme !== 'scrypt' || Number(logN) < config().SCRYPT_LOG_N;
}

let decoy: Promise<string> | undefined;

/**
 * Spend the same time as a real verification when the email is unknown, so the response time does
 * not tell which emails have accounts.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
  return false;
}

/** A generated password: 128 random bits, URL-safe, shown once. */
export const generatePassword = () => randomBytes(16).toString('base64url');
