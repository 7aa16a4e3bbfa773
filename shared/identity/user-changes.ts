/**
 * PATCH /api/users/{id}: an admin (or support) changes a user's role between member and admin.
 * A token and its session carry the role (refresh re-signs from the session), so the change ends
 * every session of the user in the same transaction: they sign in again with the new role.
 * Demoting an org's last active admin is refused (offboarding.ts keepsAnAdmin).
 */
import { auditPut, type Actor } from '../audit/events';
import type { User } from '../model/user';
import { revokeWith } from '../tokens/own-sessions';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions, unrevokedSessionIds } from '../tokens/sessions';
import { Conflict } from '../errors';
import { LostRace } from '../store/conditions';
import { assertMayOffboard, keepsAnAdmin } from './offboarding';
import { userStore } from './user-store';
import { getUser, publicUser } from './users';

export async function changeRole(actor: Principal, userId: number, role: 'member' | 'admin', audit: Actor): Promise<User> {
  const target = await getUser(userId);
  assertMayOffboard(actor, target, 'change the role of');
  if (target.role === role) return publicUser(target);
  const change = [
    userStore.setRole(target, role),
    auditPut({ orgId: target.orgId, action: 'user.role_changed', actor: audit, targetUserId: userId, details: { from: target.role, to: role } }),
    ...(role === 'member' ? await keepsAnAdmin(target) : []),
  ];
  try {
    await revokeWith(userId, await unrevokedSessionIds(userId), change);
  } catch (error) {
    if (error instanceof LostRace && error.failed.length) throw new Conflict('The user changed meanwhile: read it again and retry');
    throw error;
  }
  await revokeAllSessions(userId);
  return publicUser({ ...target, role });
}
