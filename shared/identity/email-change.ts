/**
 * An admin (or support) changes a user's email: the new address gets a single-use link
 * (`${PUBLIC_URL}/?verify-email=<token>`, 24 hours), and only following it moves the user, in one
 * transaction that spends the link, claims the new address's uniqueness item, frees the old one
 * and updates the profile. Until then the old address stays in use. The token is
 * `<user id>.<256 random bits>`, stored only as a keyed hash.
 */
import { auditPut, type Actor } from '../audit/events';
import { config } from '../config';
import { now } from '../clock';
import { keyedHash, randomToken } from '../crypto/secrets';
import { BadRequest, Conflict, ErrorCode, Forbidden, NotFound } from '../errors';
import { languageOf } from '../mail/language';
import { sendMail } from '../mail/send';
import type { User } from '../model/user';
import { epochSeconds, LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import type { Principal } from '../tokens/principal';
import * as emailChangeStore from './email-change-store';
import { assertMayAddEmails, emailTaken } from './email-taken';
import { mayEditUser, mayViewUser } from './permissions';
import { userStore } from './user-store';
import { getUser, publicUser, userIdByEmail } from './users';

const PURPOSE = 'email-change-link';
/** How long the link works. */
export const EMAIL_CHANGE_TTL = 24 * 3600;

const invalidLink = () => new BadRequest(ErrorCode.invalidRequest, 'This link is invalid, expired or already used');

/** Sends the link to the new address; answers when it expires. */
export async function requestEmailChange(
  actor: Principal,
  userId: number,
  newEmail: string,
  audit: Actor,
  acceptLanguage?: string,
): Promise<{ expiresAt: string }> {
  const target = await getUser(userId);
  if (!target || target.deletedAt || !mayViewUser(actor, target)) throw new NotFound(`User ${userId} not found`);
  if (!mayEditUser(actor, target)) throw new Forbidden('You may not change this user’s email');
  if (target.email === newEmail) throw new BadRequest(ErrorCode.invalidRequest, 'This is the user’s email already');
  const at = now();
  // Whether the address is taken is an answer about other orgs' users: counted (email-taken.ts).
  await assertMayAddEmails(target.orgId, at);
  const holder = await userIdByEmail(newEmail);
  if (holder !== undefined) throw await emailTaken(target.orgId, holder, at);

  const token = `${userId}.${randomToken()}`;
  const expiresAt = epochSeconds(at) + EMAIL_CHANGE_TTL;
  await transactWrite([
    emailChangeStore.put(userId, { newEmail, tokenHash: await keyedHash(PURPOSE, token), expiresAt, createdAt: at.toISOString() }),
    // No address in the trail: it keeps ids only (see README "Users and offboarding").
    auditPut({ orgId: target.orgId, action: 'user.email_change_requested', actor: audit, targetUserId: userId }),
  ]);
  const expires = new Date(expiresAt * 1000);
  await sendMail('email-change', {
    to: newEmail,
    orgId: target.orgId,
    language: languageOf(acceptLanguage),
    vars: { link: `${config().PUBLIC_URL}/?verify-email=${token}`, expiresAt: expires, email: newEmail },
  });
  return { expiresAt: expires.toISOString() };
}

/** Follows the link: the user's email is the new one from now on. */
export async function verifyEmailChange(token: string, audit: Actor): Promise<User> {
  const userId = Number(token.split('.')[0]);
  const tokenHash = await keyedHash(PURPOSE, token);
  const [change, user] = await Promise.all([emailChangeStore.get(userId), getUser(userId)]);
  const at = now();
  if (!change || !user || user.deletedAt || change.tokenHash !== tokenHash || change.expiresAt <= epochSeconds(at)) throw invalidLink();
  try {
    await transactWrite([
      emailChangeStore.spend(userId, tokenHash, at),
      userStore.claimEmail(change.newEmail, userId),
      userStore.releaseEmail(user.email, userId),
      userStore.setEmail(userId, user.email, change.newEmail),
      auditPut({ orgId: user.orgId, action: 'user.email_changed', actor: audit, targetUserId: userId }),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw invalidLink();
    if (error instanceof LostRace && error.lost(1)) throw new Conflict('Another user has this email now', ErrorCode.alreadyExists);
    if (error instanceof LostRace && error.failed.length) throw new Conflict('The user changed meanwhile: ask for a new link');
    throw error;
  }
  return publicUser({ ...user, email: change.newEmail });
}
