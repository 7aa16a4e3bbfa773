/**
 * The single-use links emailed for an invitation or a password reset. The token is
 * `<user id>.<256 random bits, base64url>`: the id finds the user's partition (one Query reads the
 * account and its link), the random part is the secret. Only its keyed hash is stored (data-key
 * HMAC, a purpose per kind, so a reset token never verifies as an invitation), and a transaction
 * spends it with a conditional delete (./link-store).
 */
import { config } from '../config';
import { constantTimeEqual, keyedHash, randomToken } from '../crypto/secrets';
import { BadRequest, ErrorCode } from '../errors';
import type { Account } from '../factors/account';
import { epochSeconds } from '../store/conditions';
import type { TransactItem } from '../store/transact';
import { linkSortKey, putLink, type LinkItem, type LinkPurpose } from './link-store';

export type { LinkPurpose };

export interface IssuedLink {
  token: string;
  /** The page that reads it: `${PUBLIC_URL}/?invitation=<token>` or `?reset=<token>`. */
  url: string;
  expiresAt: Date;
  tokenHash: string;
  /** Stores the link (replacing the user's earlier one of this purpose), for the caller's transaction. */
  write: TransactItem;
}

const hashOf = (purpose: LinkPurpose, token: string) => keyedHash(`link:${purpose}`, token);

export async function issueLink(userId: number, purpose: LinkPurpose, ttlSeconds: number, at: Date): Promise<IssuedLink> {
  const token = `${userId}.${randomToken()}`;
  const tokenHash = await hashOf(purpose, token);
  const expiresAt = new Date(at.getTime() + ttlSeconds * 1000);
  const item: LinkItem = { tokenHash, expiresAt: epochSeconds(expiresAt), createdAt: at.toISOString() };
  const url = new URL(config().PUBLIC_URL);
  url.searchParams.set(purpose, token);
  return { token, url: url.toString(), expiresAt, tokenHash, write: putLink(userId, purpose, item) };
}

const WORDS = { invitation: 'invitation link', reset: 'password-reset link' } as const;
const AGAIN = { invitation: 'ask your administrator to send a new invitation', reset: 'ask for a new one' } as const;

/** The 4xx for a link that cannot be used (unknown, spent, replaced, or expired). */
export function invalidLink(purpose: LinkPurpose, why: 'invalid' | 'expired' = 'invalid'): BadRequest {
  const message =
    why === 'expired'
      ? `This ${WORDS[purpose]} has expired: ${AGAIN[purpose]}`
      : `This ${WORDS[purpose]} is not valid: it was used already, a newer one replaced it, or it was mistyped; ${AGAIN[purpose]}`;
  return new BadRequest(ErrorCode.invalidLink, message, { issues: [{ path: 'token', message }] });
}

/** The user a token names, or a 400 when it is not shaped like one of ours. */
export function userIdOfLink(purpose: LinkPurpose, token: string): number {
  const match = /^(\d{1,15})\.[A-Za-z0-9_-]{43}$/.exec(token);
  const userId = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(userId) || userId < 1) throw invalidLink(purpose);
  return userId;
}

/** Checks the token against the account's link of the purpose; answers its hash, for spending it. */
export async function checkLink(account: Account | undefined, purpose: LinkPurpose, token: string, at: Date): Promise<string> {
  const tokenHash = await hashOf(purpose, token);
  const link = account?.others.get(linkSortKey(purpose)) as LinkItem | undefined;
  if (!link || !constantTimeEqual(link.tokenHash, tokenHash)) throw invalidLink(purpose);
  if (link.expiresAt <= epochSeconds(at)) throw invalidLink(purpose, 'expired');
  return tokenHash;
}
