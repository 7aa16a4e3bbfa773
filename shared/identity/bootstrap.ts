/** Creates an org (if new) and a user in it with a generated password: the bootstrap CLI and the demo seed. */
import { cliActor, type Actor } from '../audit/events';
import type { Role } from '../model/user';
import { createUser, ensureOrg } from './users';

export interface BootstrappedUser {
  orgId: number;
  userId: number;
  email: string;
  role: Role;
  password: string;
}

/** Audited as done by the bootstrap command unless another actor is named. */
export async function bootstrapUser(orgName: string, email: string, role: Role, actor: Actor = cliActor('bootstrap')): Promise<BootstrappedUser> {
  const { org } = await ensureOrg(orgName, actor);
  const { user, password } = await createUser({ orgId: org.orgId, email: email.trim().toLowerCase(), role }, actor);
  return { orgId: org.orgId, userId: user.userId, email: user.email, role: user.role, password: password! };
}
