/** Creates an org (if new) and a user in it with a generated password: the bootstrap CLI and the demo seed. */
import type { Role } from '../tokens/jwt';
import { createUser, ensureOrg } from './users';

export interface BootstrappedUser {
  orgId: number;
  userId: number;
  email: string;
  role: Role;
  password: string;
}

export async function bootstrapUser(orgName: string, email: string, role: Role): Promise<BootstrappedUser> {
  const { org } = await ensureOrg(orgName);
  const { user, password } = await createUser({ orgId: org.orgId, email: email.trim().toLowerCase(), role });
  return { orgId: org.orgId, userId: user.userId, email: user.email, role: user.role, password: password! };
}
