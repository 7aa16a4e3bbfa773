/**
 * Orgs (the seeds' "team") and users. IDs come from atomic counters; an email is unique through a
 * uniqueness item written in the same transaction as the user.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '../clock';
import { Conflict, ErrorCode, Forbidden, NotFound } from '../errors';
import { db, tableName } from '../store/client';
import { failedTransactionConditions } from '../store/conditions';
import { nextId } from '../store/counter';
import { keys } from '../store/keys';
import type { Role } from '../tokens/jwt';
import type { Principal } from '../tokens/principal';
import { generatePassword, hashPassword } from './passwords';

export interface Org {
  orgId: number;
  name: string;
  createdAt: string;
}

export interface User {
  userId: number;
  orgId: number;
  email: string;
  role: Role;
  createdAt: string;
}

export interface UserRecord extends User {
  passwordHash: string;
}

export const publicUser = ({ userId, orgId, email, role, createdAt }: User): User => ({ userId, orgId, email, role, createdAt });

export async function getOrg(orgId: number): Promise<Org | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId) }));
  return result.Item as Org | undefined;
}

/** The org with this name, created if there is none (names are unique, case-insensitively). */
export async function ensureOrg(name: string): Promise<{ org: Org; created: boolean }> {
  const existing = await db().send(new GetCommand({ TableName: tableName(), Key: keys.orgName(name), ConsistentRead: true }));
  if (existing.Item) return { org: (await getOrg(existing.Item.orgId as number))!, created: false };
  const org: Org = { orgId: await nextId('org'), name: name.trim(), createdAt: now().toISOString() };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { ...keys.orgName(name), orgId: org.orgId }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: tableName(), Item: { ...keys.org(org.orgId), ...org }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return { org, created: true };
  } catch (error) {
    if (!failedTransactionConditions(error)?.length) throw error;
    return ensureOrg(name); // created concurrently under the same name: use that one
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

/** Creates a user; answers the user and, when none was given, the generated password (shown once). */
export async function createUser(input: NewUser): Promise<{ user: User; password?: string }> {
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
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
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
        ],
      }),
    );
  } catch (error) {
    const failed = failedTransactionConditions(error);
    if (failed?.includes(0)) throw new NotFound(`Org ${user.orgId} does not exist`);
    if (failed?.includes(1)) throw new Conflict('A user with this email already exists', ErrorCode.alreadyExists);
    throw error;
  }
  return { user, password: generated };
}

/**
 * The one rule for "may edit user X" (create, reset, impersonate build on it): support staff may
 * edit anyone but other support staff; an org admin may edit the non-support users of its own org.
 */
export function mayEditUser(actor: Principal, target: User): boolean {
  if (actor.actorId !== undefined) return false;
  if (actor.role === 'support') return target.role !== 'support' || target.userId === actor.userId;
  return actor.role === 'admin' && actor.orgId === target.orgId && target.role !== 'support';
}

export function mayViewUser(actor: Principal, target: User): boolean {
  return actor.userId === target.userId || actor.role === 'support' || (actor.role === 'admin' && actor.orgId === target.orgId);
}

/** A user the actor may see, or 404 (never 403, which would confirm the user exists). */
export async function visibleUser(actor: Principal, userId: number): Promise<UserRecord> {
  const user = await getUser(userId);
  if (!user || !mayViewUser(actor, user)) throw new NotFound(`User ${userId} not found`);
  return user;
}

/** The org a new user goes into: admins create in their own org; support names one. */
export function targetOrgFor(actor: Principal, requested: number | undefined): number {
  if (actor.role === 'support') return requested ?? actor.orgId;
  if (requested !== undefined && requested !== actor.orgId) throw new Forbidden('Admins can only create users in their own org');
  return actor.orgId;
}

export function assertMayCreateRole(actor: Principal, role: Role): void {
  if (role === 'support' && actor.role !== 'support') throw new Forbidden('Only support staff can create support users');
}
