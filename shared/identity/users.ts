/**
 * Orgs (the seeds' "team") and users. IDs come from atomic counters; an email is unique through a
 * uniqueness item written in the same transaction as the user.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type Actor } from '../audit/events';
import { now } from '../clock';
import { Conflict, ErrorCode, NotFound } from '../errors';
import { transactWrite } from '../store/transact';
import { db, tableName } from '../store/client';
import { LostRace } from '../store/conditions';
import { nextId } from '../store/counter';
import { keys } from '../store/keys';
import type { Org, Role, User, UserRecord } from '../model/user';
import { generatePassword, hashPassword } from './passwords';

export const publicUser = ({ userId, orgId, email, role, createdAt }: User): User => ({ userId, orgId, email, role, createdAt });

export async function getOrg(orgId: number): Promise<Org | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId) }));
  return result.Item as Org | undefined;
}

/** The org with this name, created (and audited) if there is none (names are unique, case-insensitively). */
export async function ensureOrg(name: string, actor: Actor): Promise<{ org: Org; created: boolean }> {
  const existing = await db().send(new GetCommand({ TableName: tableName(), Key: keys.orgName(name), ConsistentRead: true }));
  if (existing.Item) return { org: (await getOrg(existing.Item.orgId as number))!, created: false };
  const org: Org = { orgId: await nextId('org'), name: name.trim(), createdAt: now().toISOString() };
  try {
    await transactWrite([
      {
        Put: { TableName: tableName(), Item: { ...keys.orgName(name), orgId: org.orgId }, ConditionExpression: 'attribute_not_exists(pk)' },
      },
      { Put: { TableName: tableName(), Item: { ...keys.org(org.orgId), ...org }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName(), Item: auditItem({ orgId: org.orgId, action: 'org.created', actor, details: { name: org.name } }) } },
    ]);
    return { org, created: true };
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    return ensureOrg(name, actor); // created concurrently under the same name: use that one
  }
}

export async function getUser(userId: number): Promise<UserRecord | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.user(userId) }));
  return result.Item as UserRecord | undefined;
}

export async function userIdByEmail(email: string): Promise<number | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(email) }));
  return result.Item?.userId as number | undefined;
}

export interface NewUser {
  orgId: number;
  email: string;
  role: Role;
  password?: string;
}

/**
 * Creates a user, audited (who created whom, with what role) in the same transaction; answers the
 * user and, when none was given, the generated password (shown once).
 */
export async function createUser(input: NewUser, actor: Actor): Promise<{ user: User; password?: string }> {
  const generated = input.password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? generated!);
  const user: User = {
    userId: await nextId('user'),
    orgId: input.orgId,
    email: input.email,
    role: input.role,
    createdAt: now().toISOString(),
  };
  try {
    await transactWrite([
      { ConditionCheck: { TableName: tableName(), Key: keys.org(user.orgId), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.email(user.email), userId: user.userId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.user(user.userId), ...keys.orgUsersIndex(user.orgId, user.userId), ...user, passwordHash },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: auditItem({ orgId: user.orgId, action: 'user.created', actor, targetUserId: user.userId, details: { role: user.role } }),
        },
      },
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw new NotFound(`Org ${user.orgId} does not exist`);
    if (error instanceof LostRace && error.lost(1)) throw new Conflict('A user with this email already exists', ErrorCode.alreadyExists);
    throw error;
  }
  return { user, password: generated };
}
