/**
 * Invitations instead of handed-out passwords: an admin creates a user in the `invited` state and
 * the service emails a single-use link (./links.ts, INVITATION_TTL, 7 days by default); the user
 * sets their own password through it, and then gets exactly what a login would give them (tokens,
 * or the second-factor step where the org forces 2FA). Nobody but the user sees the password.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { config } from '../config';
import { Conflict, NotFound } from '../errors';
import { loadAccount } from '../factors/account';
import { logger } from '../log';
import { sendMail } from '../mail/send';
import type { Language } from '../mail/templates';
import type { Role, User } from '../model/user';
import { getPolicy } from '../policy/policy';
import { requiresTwoFactor } from '../policy/role-rules';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import type { Principal } from '../tokens/principal';
import { spendLink } from './link-store';
import { checkLink, invalidLink, issueLink, userIdOfLink, type IssuedLink } from './links';
import { secondFactorStep, type LoginResult } from './login';
import { checkNewPassword } from './password-rules';
import { hashPassword } from './passwords';
import { mayEditUser } from './permissions';
import { userStore } from './user-store';
import { getOrg, getUser, insertUser, publicUser } from './users';

export interface Invitation {
  expiresAt: string;
  /** False when the email could not be sent (a sending limit, the mail service): re-invite later. */
  emailSent: boolean;
}

export const newInvitationLink = (userId: number, at: Date) => issueLink(userId, 'invitation', config().INVITATION_TTL, at);

/** Emails the link; a failure is logged and reported, never undoes the invitation. */
export async function emailInvitation(user: User, link: IssuedLink, language?: Language): Promise<Invitation> {
  const invitation = { expiresAt: link.expiresAt.toISOString() };
  try {
    const org = await getOrg(user.orgId);
    await sendMail('invitation', { to: user.email, orgId: user.orgId, language, vars: { org: org?.name ?? '', link: link.url, expiresAt: link.expiresAt } });
    return { ...invitation, emailSent: true };
  } catch (error) {
    logger.warn('invitation email not sent', { userId: user.userId, error: error as Error });
    return { ...invitation, emailSent: false };
  }
}

/** Creates an invited user (no password yet) and its link in one transaction, then emails the link. */
export async function inviteUser(
  input: { orgId: number; email: string; role: Role },
  actor: Actor,
  language?: Language,
): Promise<{ user: User; invitation: Invitation }> {
  const at = now();
  let link: IssuedLink | undefined;
  const user = await insertUser({ ...input, status: 'invited' }, undefined, actor, async ({ userId }) => {
    link = await newInvitationLink(userId, at);
    return [link.write];
  });
  return { user: publicUser(user), invitation: await emailInvitation(user, link!, language) };
}

/** A fresh link for a user who has not accepted yet; the previous link stops working (it is replaced). */
export async function reinvite(principal: Principal, userId: number, actor: Actor, language?: Language): Promise<Invitation> {
  const user = await getUser(userId);
  if (!user || !mayEditUser(principal, user)) throw new NotFound(`User ${userId} not found`);
  const accepted = () => new Conflict('This user has accepted the invitation already: they sign in, or reset their password');
  if (user.status !== 'invited') throw accepted();
  const link = await newInvitationLink(userId, now());
  try {
    await transactWrite([
      userStore.assertStatus(userId, 'invited'),
      link.write,
      auditPut({ orgId: user.orgId, action: 'user.invited', actor, targetUserId: userId, details: { expiresAt: link.expiresAt.toISOString() } }),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw accepted();
    throw error;
  }
  return emailInvitation(user, link, language);
}

/**
 * The invited user sets a password through the link: the link spent, the user active and the
 * password set in one transaction; then the answer a login gives for the user's state.
 */
export async function acceptInvitation(token: string, password: string, actor: Actor, language?: Language): Promise<LoginResult> {
  const at = now();
  const account = await loadAccount(userIdOfLink('invitation', token));
  const tokenHash = await checkLink(account, 'invitation', token, at);
  const { user } = account!;
  if (user.status !== 'invited') throw invalidLink('invitation');
  const policy = await getPolicy(user.orgId);
  // No factor can exist yet: the password stands alone unless the org forces a second factor.
  await checkNewPassword(password, { passwordOnly: !requiresTwoFactor(policy, user.role), email: user.email });
  const passwordHash = await hashPassword(password);
  const subject = { userId: user.userId, orgId: user.orgId, role: user.role };
  try {
    await transactWrite([
      spendLink(user.userId, 'invitation', tokenHash, at),
      userStore.activate(user.userId, passwordHash, language),
      auditPut({ orgId: user.orgId, action: 'user.invitation_accepted', actor: { ...actor, subject }, targetUserId: user.userId }),
    ]);
  } catch (error) {
    if (error instanceof LostRace) throw invalidLink('invitation'); // accepted concurrently, or replaced
    throw error;
  }
  return secondFactorStep({ ...account!, user: { ...user, status: 'active', passwordHash } }, policy, at, actor);
}
