/**
 * What a new password must be, after NIST SP 800-63B-4 (3.1.1.2): long enough, no composition rules,
 * long passphrases accepted, and not one that attackers try first. Length counts Unicode code points
 * after the same NFKC normalisation the hash uses, so "é" is one character however it was typed.
 */
import { config } from '../config';
import { BadRequest, ErrorCode } from '../errors';

/** NIST: at least 8 where a second factor stands beside the password, 15 where it is the only one. */
export const MIN_LENGTH = { withSecondFactor: 8, passwordOnly: 15 } as const;
/** NIST asks for at least 64 accepted; the cap only bounds the work one request can cause. */
export const MAX_LENGTH = 256;

let common: Promise<Set<string>> | undefined;

/**
 * The common-password list (zxcvbn-ts's, about 49,000 passwords from breach corpora), loaded on
 * first use: only the routes that set a password pay for decompressing it, once per container.
 */
function commonPasswords(): Promise<Set<string>> {
  return (common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'])));
}

export interface PasswordContext {
  /** True when no second factor protects the account (the user has none and the org forces none). */
  passwordOnly: boolean;
  /** The account's email: a password made of it, or of the service's name, is refused. */
  email: string;
}

/** Throws a 400 (`weak_password`) saying what is wrong; answers the password when it may be used. */
export async function checkNewPassword(password: string, context: PasswordContext): Promise<string> {
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  const min = context.passwordOnly ? MIN_LENGTH.passwordOnly : MIN_LENGTH.withSecondFactor;
  if (length < min) {
    const why = context.passwordOnly ? ' (the password is this account’s only factor)' : '';
    throw weak(`The password must be at least ${min} characters long${why}`);
  }
  if (length > MAX_LENGTH) throw weak(`The password must be at most ${MAX_LENGTH} characters long`);
  const lower = normalised.toLowerCase();
  if ((await commonPasswords()).has(lower)) throw weak('This password is among the most common ones attackers try first; choose another');
  const words = [context.email.toLowerCase(), context.email.split('@')[0]!.toLowerCase(), config().APP_NAME.toLowerCase()];
  if (words.some((word) => word.length >= 4 && lower.includes(word) && lower.length - word.length < 8)) {
    throw weak('The password must not be built from your email address or the service’s name');
  }
  if (new Set(normalised).size === 1) throw weak('The password must not repeat a single character');
  return password;
}

const weak = (message: string) => new BadRequest(ErrorCode.weakPassword, message, { issues: [{ path: 'password', message }] });
