/**
 * Who may do what to whom: the one place for "may edit user X", "may see user X" and "may
 * administer org X". Resets, impersonation and the admin routes all ask here.
 */
import { BadRequest, ErrorCode, Forbidden, NotFound } from '../errors';
import type { Principal } from '../tokens/principal';
import type { OrgScope } from '../model/org-scope';
import type { Role, User, UserRecord } from '../model/user';
import { getUser } from './users';

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
  // A tombstone (an erasure part way, identity/offboarding.ts) is a user who is gone.
  if (!user || user.deletedAt || !mayViewUser(actor, user)) throw new NotFound(`User ${userId} not found`);
  return user;
}

/** The org a new user goes into: admins create in their own org; support names one. */
export function targetOrgFor(actor: Principal, requested: number | undefined): OrgScope {
  if (actor.role === 'support') return (requested ?? actor.orgId) as OrgScope;
  if (requested !== undefined && requested !== actor.orgId) throw new Forbidden('Admins can only create users in their own org');
  return actor.orgId as OrgScope;
}

export function assertMayCreateRole(actor: Principal, role: Role): void {
  if (role === 'support' && actor.role !== 'support') throw new Forbidden('Only support staff can create support users');
}

/**
 * The org an admin route acts on: the caller's own, or the one named (Zitadel's `x-zitadel-orgid`);
 * admins may only name their own org, support staff any. The one maker of an `OrgScope`, which every
 * org-wide read or write requires.
 */
export function administeredOrg(actor: Principal, requested?: string | number): OrgScope {
  if (requested === undefined || requested === '') return actor.orgId as OrgScope;
  const orgId = Number(requested);
  if (!Number.isSafeInteger(orgId) || orgId < 1) throw new BadRequest(ErrorCode.invalidRequest, 'The org id must be a positive integer');
  if (orgId !== actor.orgId && actor.role !== 'support') throw new Forbidden('You may only administer your own org');
  return orgId as OrgScope;
}
