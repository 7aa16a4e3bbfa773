/**
 * Offboarding: deactivate, reactivate and erase a user (org admins for their org, support for any).
 *
 * A deactivation sets the status and ends every session of the user in one transaction (users with
 * more sessions than fit get the rest in further ones, idempotently: a repeat finishes). Once it has
 * committed no new session can start (logins check the status in their own transaction), every
 * request of the user's access tokens fails its session proof (functions/endpoint.ts), refresh
 * tokens fail their rotation, and pending login tokens fail the account read (factors/authenticate.ts).
 *
 * Erasure removes every item of the user's partition (profile, factors, second-factor state,
 * sessions, codes, challenges, spent-token markers) and the email mapping. When they fit in one
 * transaction, that is the whole erasure. Otherwise a first transaction turns the profile into a
 * tombstone (no email, no password, out of the org's index: the user is gone for every route) and
 * frees the email, then batch deletes erase the rest, the tombstone last; a failure part way leaves
 * the tombstone, and a repeat of the DELETE finishes the job. The audit trail keeps the user's id in
 * its events (they carry no email or name; see README "Users and offboarding").
 */
import { auditPut, type Actor, type AuditAction } from '../audit/events';
import { now } from '../clock';
import { Conflict, ErrorCode, Forbidden, NotFound } from '../errors';
import type { User, UserRecord } from '../model/user';
import { LostRace } from '../store/conditions';
import { transactWrite, type TransactItem } from '../store/transact';
import { devicesStateOf, revokeDevices } from '../tokens/devices';
import { revokeWith } from '../tokens/own-sessions';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions, unrevokedSessionIds } from '../tokens/sessions';
import { anotherActiveAdmin } from './org-users-store';
import { mayViewUser } from './permissions';
import { userStore } from './user-store';
import { getUser, publicUser } from './users';

export type Offboarding = 'deactivate' | 'reactivate' | 'delete' | 'change the role of';

/**
 * The guards every offboarding step shares: a user the caller cannot see is 404 (an admin of another
 * org learns nothing); nobody offboards themselves or support staff through these routes.
 */
export function assertMayOffboard(actor: Principal, target: UserRecord | undefined, verb: Offboarding): asserts target is UserRecord {
  if (!target || target.deletedAt || !mayViewUser(actor, target)) throw new NotFound(`User ${target?.userId ?? ''} not found`.trim());
  if (actor.actorId !== undefined) throw new Forbidden('An impersonation token cannot do this');
  if (target.userId === actor.userId) throw new Forbidden(`You cannot ${verb} yourself`);
  if (target.role === 'support') throw new Forbidden(`Support staff cannot be offboarded here: you cannot ${verb} them`);
}

async function offboardable(actor: Principal, userId: number, verb: Offboarding): Promise<UserRecord> {
  const target = await getUser(userId);
  if (!target) throw new NotFound(`User ${userId} not found`);
  assertMayOffboard(actor, target, verb);
  return target;
}

/**
 * Where the change takes an active admin away from the org: the proof that another stays (a
 * ConditionCheck on that admin, in the change's transaction), or 409 when none does.
 */
export async function keepsAnAdmin(target: UserRecord): Promise<TransactItem[]> {
  if (target.role !== 'admin' || (target.status ?? 'active') !== 'active') return [];
  const other = await anotherActiveAdmin(target.orgId, target.userId);
  if (other === undefined) throw new Conflict(`User ${target.userId} is the org's last active admin`, ErrorCode.lastAdmin);
  return [userStore.assertActiveAdmin(other)];
}

/** The refusal for a change whose conditions failed: the user (or the admin it counted on) changed meanwhile. */
function changedMeanwhile(error: unknown): unknown {
  if (error instanceof LostRace && error.failed.length) return new Conflict('The user changed meanwhile: read it again and retry');
  return error;
}

const event = (target: UserRecord, action: AuditAction, actor: Actor, details?: Record<string, string>) =>
  auditPut({ orgId: target.orgId, action, actor, targetUserId: target.userId, ...(details && { details }) });

export async function deactivateUser(actor: Principal, userId: number, audit: Actor): Promise<User> {
  const target = await offboardable(actor, userId, 'deactivate');
  if (target.status !== 'deactivated') {
    const [devices, sids] = await Promise.all([devicesStateOf(userId), unrevokedSessionIds(userId)]);
    const change = [
      userStore.setStatus(target, 'deactivated', target.status ?? 'active'),
      event(target, 'user.deactivated', audit),
      ...(await keepsAnAdmin(target)),
      // A reactivated user signs in with a second factor again: the devices go with the deactivation.
      ...revokeDevices(target, devices, 'deactivated', audit, now()),
    ];
    await revokeWith(userId, sids, change).catch((error) => {
      throw changedMeanwhile(error);
    });
  }
  // A session a login committed between the read above and the change; on a repeat, what a failure left.
  await revokeAllSessions(userId);
  return publicUser({ ...target, status: 'deactivated' });
}

export async function reactivateUser(actor: Principal, userId: number, audit: Actor): Promise<User> {
  const target = await offboardable(actor, userId, 'reactivate');
  if (target.status !== 'deactivated') return publicUser(target);
  // An invited user deactivated before accepting stays invited: there is no password of their own yet.
  const status = target.statusBefore === 'invited' ? 'invited' : 'active';
  try {
    await transactWrite([userStore.setStatus(target, status), event(target, 'user.reactivated', audit)]);
  } catch (error) {
    throw changedMeanwhile(error);
  }
  return publicUser({ ...target, status });
}

/** Transaction items an erasure in one step may use: 100, less the request guard and a margin. */
const ONE_STEP = 95;

export async function deleteUser(actor: Principal, userId: number, audit: Actor): Promise<void> {
  const target = await getUser(userId);
  // A tombstone is a deletion that did not finish: whoever may delete the user finishes it.
  const resuming = !!target?.deletedAt;
  if (!resuming) assertMayOffboard(actor, target, 'delete');
  else if (!mayViewUser(actor, target!)) throw new NotFound(`User ${userId} not found`);
  if (!resuming) await startErasure(target!, audit);
  // Everything left (all of it after a tombstone; a straggler a racing request wrote otherwise).
  const left = await userStore.erasableKeys(userId);
  const profile = left.filter((k) => k.sk === 'PROFILE');
  await userStore.deleteItems(left.filter((k) => k.sk !== 'PROFILE'));
  await userStore.deleteItems(profile);
}

/** The step that makes the user gone: all of the erasure where it fits one transaction, else the tombstone. */
async function startErasure(target: UserRecord, audit: Actor): Promise<void> {
  const { userId } = target;
  const change = [userStore.releaseEmail(target.email, userId), event(target, 'user.deleted', audit), ...(await keepsAnAdmin(target))];
  const items = (await userStore.erasableKeys(userId)).filter((k) => k.sk !== 'PROFILE');
  const oneStep = items.length + change.length + 1 <= ONE_STEP;
  try {
    await transactWrite(
      oneStep
        ? [userStore.remove(target), ...change, ...items.map((k) => userStore.deleteItem(k))]
        : [userStore.tombstone(target, now()), ...change],
    );
  } catch (error) {
    throw changedMeanwhile(error);
  }
}
