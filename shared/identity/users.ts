/**
 * Orgs (the seeds' "team") and users. IDs come from atomic counters; an email is unique through a
 * uniqueness item written in the same transaction as the user.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { NotFound } from '../errors';
import { transactWrite, type TransactItem } from '../store/transact';
import { LostRace } from '../store/conditions';
import type { Org, Role, User, UserRecord } from '../model/user';
import { nextId } from './counter-store';
import { generatePassword, hashPassword } from './passwords';
import { addingRefused, emailTaken, mayAddEmails } from './email-taken';
import { orgStore, userStore } from './user-store';

/** A user as the API shows it (status always spelled out: items written before the lifecycle have none). */
export const publicUser = ({ userId, orgId, email, role, createdAt, status }: User): Required<User> => ({
  userId,
  orgId,
  email,
  role,
  createdAt,
  status: status ?? 'active',
});

export const getOrg = (orgId: number): Promise<Org | undefined> => orgStore.get(orgId);

/** The org with this name, created (and audited) if there is none (names are unique, case-insensitively). */
export async function ensureOrg(name: string, actor: Actor): Promise<{ org: Org; created: boolean }> {
  const existing = await orgStore.idByName(name);
  if (existing !== undefined) return { org: (await getOrg(existing))!, created: false };
  const org: Org = { orgId: await nextId('org'), name: name.trim(), createdAt: now().toISOString() };
  try {
    await transactWrite([
      orgStore.claimName(name, org.orgId),
      orgStore.put(org),
      auditPut({ orgId: org.orgId, action: 'org.created', actor, details: { name: org.name } }),
    ]);
    return { org, created: true };
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    return ensureOrg(name, actor); // created concurrently under the same name: use that one
  }
}

export const getUser = (userId: number): Promise<UserRecord | undefined> => userStore.get(userId);

export const userIdByEmail = (email: string): Promise<number | undefined> => userStore.idByEmail(email);

export interface NewUser {
  orgId: number;
  email: string;
  role: Role;
  password?: string;
}

/**
 * Creates an active user with a password (the bootstrap CLI, the demo users), audited in the same
 * transaction; answers the user and, when none was given, the generated password (shown once).
 * Users created through the API are invited instead (./invitations.ts).
 */
export async function createUser(input: NewUser, actor: Actor): Promise<{ user: User; password?: string }> {
  const generated = input.password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? generated!);
  const user = await insertUser({ orgId: input.orgId, email: input.email, role: input.role, status: 'active' }, passwordHash, actor);
  return { user, password: generated };
}

/**
 * Stores a new user (an id, the email claimed, the org checked) and its `user.created` event, with
 * `alongside` (an invitation link) in one transaction. No password hash: an invited user.
 */
export async function insertUser(
  input: Omit<User, 'userId' | 'createdAt'>,
  passwordHash: string | undefined,
  actor: Actor,
  alongside: (user: User) => Promise<TransactItem[]> = async () => [],
): Promise<User> {
  const at = now();
  const user: User = { userId: await nextId('user'), ...input, createdAt: at.toISOString() };
  const more = await alongside(user);
  try {
    await transactWrite([
      orgStore.assertExists(user.orgId),
      userStore.claimEmail(user.email, user.userId),
      // While the org has answers left this hour that an address is held elsewhere (email-taken.ts).
      mayAddEmails(user.orgId, at),
      userStore.put(user, passwordHash),
      auditPut({ orgId: user.orgId, action: 'user.created', actor, targetUserId: user.userId, details: { role: user.role, ...(user.status === 'invited' && { status: 'invited' }) } }),
      ...more,
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw new NotFound(`Org ${user.orgId} does not exist`);
    if (error instanceof LostRace && error.lost(2)) throw addingRefused(user.orgId, at);
    if (error instanceof LostRace && error.lost(1)) throw await emailTaken(user.orgId, await userStore.idByEmail(user.email), at);
    throw error;
  }
  return user;
}
