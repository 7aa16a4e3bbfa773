import { assertMayCreateRole, targetOrgFor } from '../../shared/identity/permissions';
import { createUser } from '../../shared/identity/users';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/users', async ({ body, principal, actor }) => {
  assertMayCreateRole(principal, body.role);
  const orgId = targetOrgFor(principal, body.orgId);
  const { user, password } = await createUser({ orgId, email: body.email, role: body.role, password: body.password }, actor);
  return ok({ data: { ...user, ...(password && { password }) } }, 201);
});
